package dev.gear.it.examples;

import static dev.gear.junit5.GearAssertions.assertThat;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.Precedence;
import dev.gear.junit5.GearmanServer;
import dev.gear.testkit.EmbeddedGearmanServer;
import dev.gear.testkit.HeldJob;
import dev.gear.testkit.JobCriteria;
import dev.gear.testkit.JobHold;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Steering the job flow as Zuul's and Nodepool's tests do: hold jobs in the queue, release them
 * one by one (by a field of their arguments), hold builds while they run, and let every step end
 * in {@code awaitSettled()}. The README's quick start is copied from here.
 */
class ZuulStyleIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    // quick-start:zuul:begin
    @GearmanServer
    static EmbeddedGearmanServer server;

    @Test
    void buildsRunOneChangeAtATime(Client zuul) {
        server.stub("build").willComplete("SUCCESS");
        JobHold queue = server.holdJobs(JobCriteria.functionMatching("build"));   // hold_jobs_in_queue

        zuul.submitJob(new Job("build", "{\"change\": 1}"), true, Precedence.NORMAL, TIMEOUT);
        zuul.submitJob(new Job("build", "{\"change\": 2}"), true, Precedence.NORMAL, TIMEOUT);
        queue.awaitHeld(2);

        queue.release(JobCriteria.function("build").withPayloadMatching(args ->     // release by an argument
                new String(args, StandardCharsets.UTF_8).contains("\"change\": 1")));
        server.awaitSettled();                                                      // waitUntilSettled()

        assertThat(server).job("build").withPayload("{\"change\": 1}").isCompleted().hasResult("SUCCESS");
        assertThat(server).job("build").withPayload("{\"change\": 2}").isHeld();
        queue.close();
    }
    // quick-start:zuul:end

    @Test
    void buildsHeldWhileTheyRunReportProgressAndEndWhenTheTestSays(Client zuul) {
        server.stub("build-long").willHold();                 // hold_jobs_in_build
        Job build = zuul.submitJob(new Job("build-long", "{\"change\": 3}"));
        HeldJob running = server.stub("build-long").awaitHeld(1).get(0);
        running.sendStatus(1, 2);
        server.awaitSettled();                                // a held build does not keep the server busy

        assertThat(server).job("build-long").isRunning();
        assertThat(server.journal().jobs("build-long").get(0).numerator()).isEqualTo(1);
        running.complete("SUCCESS");
        assertThat(build.waitForCompletion(TIMEOUT).dataAsString()).isEqualTo("SUCCESS");
    }
}
