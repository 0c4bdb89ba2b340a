package dev.gear.it.examples;

import static dev.gear.junit5.GearAssertions.assertThat;

import dev.gear.Worker;
import dev.gear.WorkerJob;
import dev.gear.junit5.CanDo;
import dev.gear.junit5.GearmanServer;
import dev.gear.testkit.EmbeddedGearmanServer;
import dev.gear.testkit.SubmittedJob;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Worker side: test a worker without writing a client; the test kit submits the job and the
 * worker parameter is registered for {@code reverse} before the test starts.
 */
class WorkerIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    // quick-start:worker:begin
    @GearmanServer
    EmbeddedGearmanServer server;                        // a new server for each test

    @Test
    void reversesText(@CanDo("reverse") Worker worker) {  // registered before the test starts
        SubmittedJob job = server.submit("reverse", "gearman");

        new Reverser(worker).handleOne(TIMEOUT);

        assertThat(new String(job.awaitResult(TIMEOUT))).isEqualTo("namraeg");
        assertThat(server).job("reverse").isCompleted().hasResult("namraeg");
    }
    // quick-start:worker:end

    @Test
    void reportsProgressBeforeTheResult(@CanDo("reverse") Worker worker) {
        server.submit("reverse", "ab");

        new Reverser(worker).handleOne(TIMEOUT);

        assertThat(server.awaitFinished("reverse", TIMEOUT).numerator()).isEqualTo(2);
    }

    /** The code under test: a worker that reverses text, reporting progress per character. */
    static final class Reverser {
        private final Worker worker;

        Reverser(Worker worker) {
            this.worker = worker;
        }

        void handleOne(Duration timeout) {
            WorkerJob job = worker.getJob(timeout);
            String text = job.argumentsAsString();
            job.sendWorkStatus(text.length(), text.length());
            job.sendWorkComplete(new StringBuilder(text).reverse().toString());
        }
    }
}
