package dev.gear.it.examples;

import static dev.gear.junit5.GearAssertions.assertThat;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.junit5.GearmanServer;
import dev.gear.testkit.EmbeddedGearmanServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Tests that share one static server while JUnit may run them at the same time: each test that
 * stubs or counts on it takes the same {@link ResourceLock}, and starts from {@code reset()}. The
 * README's notes on parallel execution are copied from here.
 */
@Execution(ExecutionMode.CONCURRENT)
class SharedServerIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    // quick-start:parallel:begin
    @GearmanServer
    static EmbeddedGearmanServer shared;                 // one server for every test of the class, also in parallel

    @Test
    @ResourceLock("SharedServerIT.shared")               // a stub or a count on the shared server: one test at a time
    void resizesOnce(Client client) {
        shared.reset();                                  // no stubs, queued jobs or journal left by another test
        shared.stub("resize").willComplete("small.png");

        client.submitJob(new Job("resize", "big.png")).waitForCompletion(TIMEOUT);

        assertThat(shared).hasSubmitted("resize", 1);
    }
    // quick-start:parallel:end

    @Test
    @ResourceLock("SharedServerIT.shared")
    void failsItsOwnResize(Client client) {
        shared.reset();
        shared.stub("resize").willFail();

        Job job = client.submitJob(new Job("resize", "huge.png")).waitForCompletion(TIMEOUT);

        assertThat(job.isFailure()).isTrue();
        assertThat(shared).hasSubmitted("resize", 1);
    }
}
