package dev.gear.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.Client;
import dev.gear.GearmanTimeoutException;
import dev.gear.Job;
import dev.gear.Precedence;
import dev.gear.Worker;
import dev.gear.WorkerJob;
import dev.gear.server.JobSnapshot;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link EmbeddedGearmanServer#holdJobs(JobCriteria)} through real clients and workers on loopback. */
class JobHoldsTest {
    private static final Duration T = Duration.ofSeconds(5);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private EmbeddedGearmanServer server;

    @BeforeEach
    void start() {
        server = EmbeddedGearmanServer.started();
        closeables.add(server);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        closeables.add(c);
        return c;
    }

    @Test
    void heldJobsReachNoWorkerAndAreReleasedInPriorityThenFifoOrder() throws Exception {
        JobHold hold = server.holdJobs(JobCriteria.function("build"));
        String low = server.submit("build", "low".getBytes(), "", Precedence.LOW, true).handle();
        String n1 = server.submit("build", "n1".getBytes(), "", Precedence.NORMAL, true).handle();
        String high = server.submit("build", "high".getBytes(), "", Precedence.HIGH, true).handle();
        String n2 = server.submit("build", "n2".getBytes(), "", Precedence.NORMAL, true).handle();
        server.submit("docs", "free".getBytes(), "", Precedence.NORMAL, true);

        assertThat(hold.awaitHeld(4)).extracting(RecordedJob::handle).containsExactly(low, n1, high, n2);
        assertThat(hold.held()).extracting(RecordedJob::state).containsOnly(JobState.HELD);
        assertThat(server.snapshot().jobs()).filteredOn(j -> j.state() == JobSnapshot.State.HELD)
                .extracting(JobSnapshot::handle).containsExactly(low, n1, high, n2);
        assertThat(adminStatus()).contains("build\t4\t0\t0");

        Worker worker = keep(server.newWorker("build", "docs"));
        assertThat(worker.getJob(T).name()).as("the one job not held").isEqualTo("docs");
        assertThatThrownBy(() -> worker.getJob(Duration.ofMillis(200)))
                .as("a held job is given to no worker").isInstanceOf(GearmanTimeoutException.class);

        hold.close();
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            WorkerJob job = worker.getJob(T);
            order.add(job.handle());
            job.sendWorkComplete("ok");
        }
        assertThat(order).containsExactly(high, n1, n2, low);
        Journal journal = server.journal();
        assertThat(journal.events(JournalEvent.JobHeld.class)).extracting(JournalEvent::handle)
                .containsExactly(low, n1, high, n2);
        assertThat(journal.events(JournalEvent.JobReleased.class)).hasSize(4);
        assertThat(server.dumpJournal()).contains("JobHeld handle=" + low + " function=build");
    }

    @Test
    void releaseLetsGoOfTheMatchingJobsOnlyAndWakesASleepingWorker() throws Exception {
        JobHold hold = server.holdJobs(JobCriteria.functionMatching("build"));
        server.submit("build-docs", "{\"project\":\"a\"}");
        server.submit("build", "{\"project\":\"b\"}");
        server.submit("test", "{\"project\":\"b\"}");
        hold.awaitHeld(2);
        Worker worker = keep(server.newWorker("build", "build-docs", "test"));
        WorkerJob notHeld = worker.getJob(T);
        assertThat(notHeld.name()).isEqualTo("test");
        notHeld.sendWorkComplete("ok");

        // A worker waiting in getJob sleeps (PRE_SLEEP); the release must wake it.
        var next = java.util.concurrent.CompletableFuture.supplyAsync(() -> worker.getJob(T));
        List<RecordedJob> released = hold.release(JobCriteria.functionMatching(".*")
                .withPayloadMatching(p -> new String(p, StandardCharsets.UTF_8).contains("\"b\"")));
        assertThat(released).extracting(RecordedJob::function).containsExactly("build");
        assertThat(next.get().name()).isEqualTo("build");
        assertThat(hold.held()).extracting(RecordedJob::function).containsExactly("build-docs");
        assertThat(server.awaitJob(JobCriteria.function("build-docs").inState(JobState.HELD)).payloadText())
                .isEqualTo("{\"project\":\"a\"}");
    }

    @Test
    void aJobStaysHeldWhileAnyHoldThatTookItIsOpen() {
        JobHold all = server.holdJobs(JobCriteria.functionMatching(""));
        JobHold builds = server.holdJobs(JobCriteria.function("build"));
        String h = server.submit("build", "x").handle();
        assertThat(all.awaitHeld(1)).extracting(RecordedJob::handle).containsExactly(h);
        assertThat(builds.held()).extracting(RecordedJob::handle).containsExactly(h);
        builds.close();
        assertThat(server.snapshot().job(h).orElseThrow().state()).isEqualTo(JobSnapshot.State.HELD);
        all.release(JobCriteria.function("build"));
        assertThat(server.snapshot().job(h).orElseThrow().state()).isEqualTo(JobSnapshot.State.QUEUED);
    }

    @Test
    void coalescedSubmitsWhileHeldShareOneHeldJobAndAllGetTheResult() throws Exception {
        JobHold hold = server.holdJobs(JobCriteria.function("build").withUnique("change-42"));
        Client a = keep(server.newClient());
        Client b = keep(server.newClient());
        Job first = a.submitJob(new Job("build", "x", "change-42"));
        Job second = b.submitJob(new Job("build", "x", "change-42"));
        assertThat(second.handle()).isEqualTo(first.handle());
        assertThat(hold.awaitHeld(1)).singleElement().satisfies(j -> assertThat(j.submitters()).hasSize(2));
        Worker worker = keep(server.newWorker("build"));
        hold.release(JobCriteria.function("build"));
        worker.getJob(T).sendWorkComplete("built");
        assertThat(first.waitForCompletion(T).dataAsString()).isEqualTo("built");
        assertThat(second.waitForCompletion(T).dataAsString()).isEqualTo("built");
    }

    @Test
    void aHeldJobWhoseClientDisconnectsIsDroppedAndNoLongerHeld() {
        JobHold hold = server.holdJobs(JobCriteria.function("build"));
        Client client = server.newClient();
        client.submitJob(new Job("build", "x"));
        String handle = hold.awaitHeld(1).get(0).handle();
        client.shutdown();
        RecordedJob dropped = server.awaitJob(JobCriteria.function("build").inState(JobState.DROPPED));
        assertThat(dropped.handle()).isEqualTo(handle);
        assertThat(hold.held()).isEmpty();
        assertThat(server.snapshot().jobs()).isEmpty();
    }

    @Test
    void resetClosesHoldsAndRestartEndsThem() {
        JobHold hold = server.holdJobs(JobCriteria.function("build"));
        server.submit("build", "x".getBytes(), "", Precedence.NORMAL, true);
        hold.awaitHeld(1);
        server.reset();
        assertThat(server.snapshot().jobs()).as("held jobs are cancelled, not released").isEmpty();
        assertThatThrownBy(() -> hold.release(JobCriteria.function("build")))
                .isInstanceOf(IllegalStateException.class);

        JobHold second = server.holdJobs(JobCriteria.function("build"));
        server.restart();
        assertThatThrownBy(second::held).isInstanceOf(IllegalStateException.class).hasMessage(
                "the server restarted since this hold (on a job for function 'build') was opened, and a restart"
                        + " ends every hold: open a new one with holdJobs(...)");
        second.close(); // still fine
    }

    @Test
    void misuseGetsExactMessages() {
        JobHold hold = server.holdJobs(JobCriteria.function("build"));
        hold.close();
        hold.close();
        assertThatThrownBy(() -> hold.release(JobCriteria.function("build").withPayload("x")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot release a job for function 'build' with payload \"x\": this hold (on a job for"
                        + " function 'build') is closed and holds nothing");

        JobHold nothing = server.holdJobs(JobCriteria.function("nothing"));
        assertThatThrownBy(() -> nothing.awaitHeld(1, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessage("Timed out after 50 ms waiting for 1 job(s) held by the hold on a job for function"
                        + " 'nothing'.\nIt holds 0.\nNo jobs seen.");
        assertThatThrownBy(() -> nothing.awaitHeld(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("count must not be negative, was -1");
    }

    @Test
    void awaitHeldTimingOutListsWhatIsHeldAndWhatWasSeen() {
        JobHold hold = server.holdJobs(JobCriteria.function("build"));
        server.submit("build", "one".getBytes(), "", Precedence.NORMAL, true);
        server.submit("docs", "free".getBytes(), "", Precedence.NORMAL, true);
        RecordedJob held = hold.awaitHeld(1).get(0);
        List<RecordedJob> seen = server.journal().jobs();
        assertThatThrownBy(() -> hold.awaitHeld(2, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessage("Timed out after 50 ms waiting for 2 job(s) held by the hold on a job for function"
                        + " 'build'.\nIt holds 1:\n  " + held.describe(PayloadFormat.AUTO) + "\nJobs seen (2):\n  "
                        + seen.get(0).describe(PayloadFormat.AUTO) + "\n  " + seen.get(1).describe(PayloadFormat.AUTO));
    }

    @Test
    void criteriaMatchFunctionsAtTheStartAndPayloadsByTest() {
        JobCriteria builds = JobCriteria.functionMatching("build");
        server.submit("build-docs", "a".getBytes(), "", Precedence.NORMAL, true);
        server.submit("rebuild", "b".getBytes(), "", Precedence.NORMAL, true);
        assertThat(server.awaitJob(builds).function()).isEqualTo("build-docs");
        assertThat(server.journal().jobs()).filteredOn(JobCriteria.functionMatching("build$")).isEmpty();
        assertThat(server.journal().jobs()).filteredOn(JobCriteria.functionMatching("re.*d$")
                .withPayloadMatching(p -> p.length == 1).withPayloadMatching(p -> p[0] == 'b'))
                .extracting(RecordedJob::function).containsExactly("rebuild");
        assertThat(builds.withPayloadMatching(p -> false)).hasToString(
                "a job for a function matching 'build' with a payload satisfying the payload test");
        assertThat(JobCriteria.functionMatching("x").withPayloadMatching(p -> false).mismatches(
                server.journal().jobs().get(0))).containsExactly(
                "function is 'build-docs', expected one matching 'x' at its start",
                "payload \"a\" does not satisfy the payload test");
    }

    private List<String> adminStatus() throws Exception {
        try (Socket raw = new Socket("127.0.0.1", server.port())) {
            raw.getOutputStream().write("status\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(raw.getInputStream(), StandardCharsets.US_ASCII));
            List<String> rows = new ArrayList<>();
            for (String line = in.readLine(); line != null && !line.equals("."); line = in.readLine()) {
                rows.add(line);
            }
            return rows;
        }
    }
}
