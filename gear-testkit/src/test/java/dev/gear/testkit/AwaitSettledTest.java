package dev.gear.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.Precedence;
import dev.gear.Worker;
import dev.gear.server.JobSnapshot;
import dev.gear.server.ServerSnapshot;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link EmbeddedGearmanServer#awaitSettled()} with stubs, holding stubs, holds, real workers and background jobs. */
class AwaitSettledTest {
    private EmbeddedGearmanServer server;
    private Client client;

    @BeforeEach
    void start() {
        server = EmbeddedGearmanServer.started();
        client = server.newClient();
    }

    @AfterEach
    void stop() {
        client.shutdown();
        server.close();
    }

    @Test
    void returnsOnceStubbedAndRealWorkersFinishedEveryBackgroundJob() {
        server.stub("slow").willRespond(StubResponse.builder().delay(Duration.ofMillis(100)).complete("late"));
        try (Worker worker = server.newWorker()) {
            worker.registerFunction("reverse", job -> job.sendWorkComplete(
                    new StringBuilder(job.argumentsAsString()).reverse().toString()));
            server.awaitWorkers("reverse", 1);
            for (int i = 0; i < 20; i++) {
                client.submitJob(new Job("reverse", "job-" + i), true, Precedence.NORMAL, Duration.ofSeconds(5));
            }
            client.submitJob(new Job("slow", "x"), true, Precedence.NORMAL, Duration.ofSeconds(5));

            ServerSnapshot settled = server.awaitSettled();
            assertThat(settled.jobs()).isEmpty();
            assertThat(server.journal().jobs()).hasSize(21).extracting(RecordedJob::state)
                    .containsOnly(JobState.COMPLETED);
        }
    }

    @Test
    void heldJobsJobsNobodyCanTakeAndJobsAHoldingStubKeepsDoNotMove() {
        server.stub("build").willHold();
        JobHold hold = server.holdJobs(JobCriteria.function("merge"));
        client.submitJob(new Job("build", "a"), true, Precedence.NORMAL, Duration.ofSeconds(5));
        client.submitJob(new Job("merge", "b"), true, Precedence.NORMAL, Duration.ofSeconds(5));
        client.submitJob(new Job("nobody", "c"), true, Precedence.NORMAL, Duration.ofSeconds(5));

        ServerSnapshot settled = server.awaitSettled();
        assertThat(settled.jobs()).extracting(JobSnapshot::function, JobSnapshot::state).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("build", JobSnapshot.State.RUNNING),
                org.assertj.core.groups.Tuple.tuple("merge", JobSnapshot.State.HELD),
                org.assertj.core.groups.Tuple.tuple("nobody", JobSnapshot.State.QUEUED));

        // Zuul's step: release one, settle, look.
        server.stub("merge").willComplete("merged");
        hold.release(JobCriteria.function("merge"));
        server.awaitSettled();
        assertThat(server.journal().jobs("merge")).singleElement().extracting(RecordedJob::state)
                .isEqualTo(JobState.COMPLETED);
        server.stub("build").awaitHeld(1).get(0).complete("built");
        assertThat(server.awaitSettled().jobs()).extracting(JobSnapshot::function).containsExactly("nobody");
    }

    @Test
    void failsListingWhatStillMoves() throws Exception {
        try (Socket idle = new Socket("127.0.0.1", server.port())) {
            // A worker that registers but never asks for work: its job stays queued and could move.
            OutputStream out = idle.getOutputStream();
            out.write(request(1, "idle")); // CAN_DO
            out.flush();
            server.awaitWorkers("idle", 1);
            String handle = client.submitJob(new Job("idle", "x"), true, Precedence.NORMAL, Duration.ofSeconds(5))
                    .handle();
            JobSnapshot job = server.snapshot().job(handle).orElseThrow();
            List<RecordedJob> seen = server.journal().jobs();
            assertThatThrownBy(() -> server.awaitSettled(Duration.ofMillis(100)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessage("Timed out after 100 ms waiting for the server to settle.\nStill moving (1):\n"
                            + "  queued, and 1 connected worker(s) could take it: " + job + "\nJobs seen (1):\n  "
                            + seen.get(0).describe(PayloadFormat.AUTO));
        }
    }

    private static byte[] request(int type, String data) {
        byte[] body = data.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(12 + body.length).put(new byte[] {0, 'R', 'E', 'Q'}).putInt(type)
                .putInt(body.length).put(body).array();
    }
}
