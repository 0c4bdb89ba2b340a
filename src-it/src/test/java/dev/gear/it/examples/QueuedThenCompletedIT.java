package dev.gear.it.examples;

import static dev.gear.junit5.GearAssertions.assertThat;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.Precedence;
import dev.gear.Worker;
import dev.gear.WorkerJob;
import dev.gear.junit5.GearmanServer;
import dev.gear.testkit.EmbeddedGearmanServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A background job waits in the queue while no worker is there, and completes once one comes:
 * asserted on the server's journal, waiting for events instead of sleeping.
 */
class QueuedThenCompletedIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    // quick-start:queued:begin
    @Test
    void backgroundJobWaitsForAWorkerThenCompletes(@GearmanServer EmbeddedGearmanServer server, Client client) {
        client.submitJob(new Job("report", "2026-Q1"), true, Precedence.HIGH, TIMEOUT);

        assertThat(server).job("report").withPayload("2026-Q1").inBackground().withPrecedence(Precedence.HIGH)
                .isQueued();

        try (Worker worker = server.newWorker("report")) {
            WorkerJob job = worker.getJob(TIMEOUT);
            job.sendWorkComplete("done");

            assertThat(server).within(TIMEOUT).job("report").isCompleted().hasResult("done");
        }
    }
    // quick-start:queued:end
}
