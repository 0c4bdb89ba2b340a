package dev.gear.junit5;

import static dev.gear.junit5.GearAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.Precedence;
import dev.gear.Worker;
import dev.gear.WorkerJob;
import dev.gear.testkit.EmbeddedGearmanServer;
import dev.gear.testkit.JobCriteria;
import dev.gear.testkit.JobState;
import dev.gear.testkit.StubResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** GearAssertions against a real test server (injected by the extension under test). */
class GearAssertionsTests {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @GearmanServer
    EmbeddedGearmanServer server;

    @Test
    void queuedThenCompleted(Client client) {
        Job job = client.submitJob(new Job("resize", "a.png"));

        assertThat(server).job("resize").withPayload("a.png").isQueued();

        try (Worker worker = server.newWorker("resize")) {
            WorkerJob work = worker.getJob(TIMEOUT);
            work.sendWorkComplete("done");
            assertThat(server).within(TIMEOUT).job("resize").withPayload("a.png").isCompleted().hasResult("done")
                    .hasAttempts(1);
        }
        assertThat(job.waitForCompletion(TIMEOUT).dataAsString()).isEqualTo("done");
    }

    @Test
    void isHeldPassesForAHeldJobOnlyAndWaitsForItWithin(Client client) {
        server.holdJobs(JobCriteria.function("build"));
        client.submitJob(new Job("build", "change-1"), true, Precedence.NORMAL, TIMEOUT);
        client.submitJob(new Job("docs", "free"), true, Precedence.NORMAL, TIMEOUT);

        assertThat(server).within(TIMEOUT).job("build").withPayload("change-1").isHeld().hasState(JobState.HELD);
        assertThatThrownBy(() -> assertThat(server).job("docs").isHeld())
                .hasMessageContaining("state is QUEUED, expected HELD");
        assertThatThrownBy(() -> assertThat(server).job("build").isQueued())
                .hasMessageContaining("state is HELD, expected QUEUED");
    }

    @Test
    void filtersOnUniquePriorityAndBackground(Client client) {
        client.submitJob(new Job("f", "p", "u-1"), true, Precedence.HIGH, TIMEOUT);
        client.submitJob(new Job("f", "p", "u-2"), false, Precedence.LOW, TIMEOUT);

        assertThat(server).job("f").withUnique("u-1").withPrecedence(Precedence.HIGH).inBackground().isQueued();
        assertThat(server).job("f").withUnique("u-2").withPrecedence(Precedence.LOW).inForeground().wasSubmitted()
                .hasState(JobState.QUEUED);
        assertThatThrownBy(() -> assertThat(server).job("f").withUnique("u-2").inBackground().wasSubmitted())
                .hasMessageContaining("it ran in the foreground, expected background");
        assertThatThrownBy(() -> assertThat(server).job("f").withPrecedence(Precedence.NORMAL).wasSubmitted())
                .hasMessageContaining("precedence is LOW, expected NORMAL");
    }

    @Test
    void failureNamesTheClosestJobAndOffersADiff(Client client) {
        client.submitJob(new Job("resize", "a.png"), true, Precedence.NORMAL, TIMEOUT);
        client.submitJob(new Job("other", "b.png"), true, Precedence.NORMAL, TIMEOUT);

        AssertionFailedError e = (AssertionFailedError) org.assertj.core.api.Assertions.catchThrowable(
                () -> assertThat(server).job("resize").withPayload("b.png").isCompleted());

        org.assertj.core.api.Assertions.assertThat(e.getExpected().getStringRepresentation())
                .isEqualTo("function: resize\npayload: \"b.png\"\nstate: COMPLETED");
        org.assertj.core.api.Assertions.assertThat(e.getActual().getStringRepresentation())
                .isEqualTo("function: resize\npayload: \"a.png\"\nstate: QUEUED");
        org.assertj.core.api.Assertions.assertThat(e.getMessage())
                .contains("Expected a job for function 'resize' with payload \"b.png\" in state COMPLETED,\n"
                        + "but the closest was\n  #")
                .contains("which differs: payload differs at byte 0 (counting from 0): 0x61 here, 0x62 expected; state is QUEUED, expected COMPLETED")
                .contains("Jobs seen (2):");
    }

    @Test
    void noJobsAtAll() {
        assertThatThrownBy(() -> assertThat(server).job("resize").wasSubmitted())
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected a job for function 'resize',\nbut the server saw no jobs at all\n"
                        + "No jobs seen.");
    }

    @Test
    void withinWaitsForTheEventAndReturnsOnceItHappens() {
        server.stub("slow").willRespond(StubResponse.builder().delay(Duration.ofMillis(200)).complete("ok"));
        server.submit("slow", "x");

        assertThatThrownBy(() -> assertThat(server).job("slow").isCompleted())
                .as("not completed yet: the stub waits 200 ms").isInstanceOf(AssertionError.class);
        assertThat(server).within(TIMEOUT).job("slow").isCompleted().hasResult("ok");
    }

    @Test
    void withinFailsWithTheClosestMismatchWhenTimeRunsOut(Client client) {
        client.submitJob(new Job("never", "x"), true, Precedence.NORMAL, TIMEOUT);

        assertThatThrownBy(() -> assertThat(server).within(Duration.ofMillis(300)).job("never").isCompleted())
                .hasMessageContaining("Expected a job for function 'never' in state COMPLETED within 300 ms,")
                .hasMessageContaining("which differs: state is QUEUED, expected COMPLETED");
    }

    @Test
    void failedAndExceptionJobs() {
        server.stub("breaks").willFail();
        server.stub("throws").willThrow("boom");
        server.submit("breaks", "1");
        server.submit("throws", "2");

        assertThat(server).within(TIMEOUT).job("breaks").isFailed();
        assertThat(server).within(TIMEOUT).job("throws").endedWithException().hasResult("boom");
    }

    @Test
    void counts(Client client) {
        for (int i = 0; i < 3; i++) {
            client.submitJob(new Job("c", "p" + i), true, Precedence.NORMAL, TIMEOUT);
        }

        assertThat(server).hasSubmitted("c").hasSubmitted("c", 3).hasNotSubmitted("d");
        assertThat(server).job("c").withPayload("p1").hasCount(1);
        assertThatThrownBy(() -> assertThat(server).hasSubmitted("c", 2))
                .hasMessageContaining("Expected 2 job(s) for function 'c', but found 3:");
    }

    @Test
    void countsWait(Client client) {
        server.stub("later").willRespond(StubResponse.builder().delay(Duration.ofMillis(100)).complete("ok"));
        server.submit("later", "1");
        server.submit("later", "2");

        assertThat(server).within(TIMEOUT).job("later").withPayload("2").isCompleted();
        assertThat(server).within(TIMEOUT).hasSubmitted("later", 2);
    }

    @Test
    void workerRegistration() throws Exception {
        try (Worker one = server.newWorker("w")) {
            assertThat(server).hasWorkerFor("w").hasWorkersFor("w", 1);
            assertThatThrownBy(() -> assertThat(server).hasWorkersFor("w", 2))
                    .hasMessageContaining("Expected 2 worker(s) for 'w', but 1 registered.");

            // A worker registering on its own: the waiting form returns once CAN_DO has arrived.
            try (Worker two = Worker.builder().build()) {
                two.addServer("127.0.0.1", server.port());
                two.waitForServer(TIMEOUT);
                two.registerFunction("w");
                assertThat(server).within(TIMEOUT).hasWorkersFor("w", 2);
            }
        }
    }

    @Test
    void submittedByNeedsACertificate(Client client) {
        client.submitJob(new Job("s", "x"), true, Precedence.NORMAL, TIMEOUT);
        server.awaitJob(JobCriteria.function("s"), TIMEOUT);

        assertThatThrownBy(() -> assertThat(server).job("s").submittedBy("alice").wasSubmitted())
                .hasMessageContaining("submitted by (no certificate, conn#")
                .hasMessageContaining("expected CN=alice");
    }

    @Test
    @SuppressWarnings("deprecation")
    void withPriorityIsTheOldNameOfWithPrecedence(Client client) {
        client.submitJob(new Job("f", "p"), true, Precedence.HIGH, TIMEOUT);

        assertThat(server).job("f").withPriority(Precedence.HIGH).isQueued();
    }

    @Test
    void theFirstStubIsOneWorker() {
        server.stub("render").willComplete("PDF");

        assertThat(server).hasWorkersFor("render", 1);
    }

    @Test
    void recordedJobProgressDataWarningsAndWorker() {
        server.stub("render").willRespond(StubResponse.builder().status(1, 2).data("page 1").data("page 2")
                .warning("slow font").status(2, 2).complete("PDF"));
        server.submit("render", "report.odt");

        assertThat(server).within(TIMEOUT).job("render").isCompleted().hasResult("PDF").hasStatus(2, 2)
                .hasData("page 1", "page 2").hasWarnings("slow font").wasRunByStub();
        RecordedJobAssert job = assertThat(server).job("render").isCompleted();
        assertThatThrownBy(() -> job.hasStatus(1, 2))
                .hasMessageContaining("Expected the last WORK_STATUS of job H:")
                .hasMessageContaining(" for function 'render' with payload \"report.odt\" to be 1/2 but was 2/2");
        assertThatThrownBy(() -> job.hasData("page 1"))
                .hasMessageContaining("WORK_DATA chunks of job H:")
                .hasMessageContaining("to be\n  [\"page 1\"]\nbut they were\n  [\"page 1\", \"page 2\"]");
        assertThatThrownBy(() -> job.hasWarnings("other")).hasMessageContaining("WORK_WARNING chunks");
        assertThatThrownBy(() -> job.wasRunBy("renderer"))
                .hasMessageContaining("to have been run by CN=renderer but it was run by [conn#");
    }

    @Test
    void wrongResultNamesFunctionAndPayload() {
        server.stub("render").willComplete("PDF");
        server.submit("render", "report.odt");

        assertThatThrownBy(() -> assertThat(server).within(TIMEOUT).job("render").isCompleted().hasResult("PNG"))
                .hasMessageContaining("Expected the result of job H:")
                .hasMessageContaining(" for function 'render' with payload \"report.odt\" to be\n  \"PNG\"\nbut was\n"
                        + "  \"PDF\"\n  (differs at byte 1 (counting from 0): 0x44 here, 0x4e expected)");
    }

    @Test
    void failureReason() {
        server.stub("render").willFail();
        server.submit("render", "x");

        RecordedJobAssert job = assertThat(server).within(TIMEOUT).job("render").isFailed();
        job.hasFailureReason("worker sent WORK_FAIL");
        assertThatThrownBy(() -> job.hasFailureReason("worker lost"))
                .hasMessageContaining("to have failure reason\n  \"worker lost\"\nbut it had\n  \"worker sent WORK_FAIL\"");
    }
}
