package dev.gear.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.Client;
import dev.gear.ConnectionException;
import dev.gear.Job;
import dev.gear.NoConnectedServersException;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.Precedence;
import dev.gear.Worker;
import dev.gear.WorkerJob;
import dev.gear.server.ConnectionSnapshot;
import dev.gear.server.JobSnapshot;
import dev.gear.server.ServerSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every capability of the test kit with our real Client and Worker; run once over plain TCP and
 * once over TLS by the subclasses.
 */
abstract class ServerCapabilitiesContract {
    static final Duration T = Duration.ofSeconds(5);

    EmbeddedGearmanServer server;
    final List<AutoCloseable> closeables = new ArrayList<>();

    abstract EmbeddedGearmanServer.Builder configure(EmbeddedGearmanServer.Builder builder);

    /** A raw socket speaking to the server on this transport (plain or TLS with a client certificate). */
    abstract Socket rawSocket() throws IOException;

    Client client() {
        Client c = server.newClient();
        closeables.add(c);
        return c;
    }

    Worker worker(String... functions) {
        Worker w = server.newWorker(functions);
        closeables.add(w);
        return w;
    }

    @BeforeEach
    void startServer() {
        server = configure(EmbeddedGearmanServer.builder()).build().start();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        server.close();
    }

    @Test
    void bindsAnEphemeralLoopbackPortInStart() {
        assertThat(server.port()).isPositive();
        assertThat(server.connectString()).isEqualTo("127.0.0.1:" + server.port());
        assertThatThrownBy(() -> EmbeddedGearmanServer.builder().build().port())
                .isInstanceOf(IllegalStateException.class).hasMessage("call start() first");
    }

    @Test
    void snapshotsShowQueuedJobsWithTheirDetailsAndRegisteredWorkers() {
        Client client = client();
        client.submitJob(new Job("resize", "a.png", "u-1"), true, Precedence.HIGH, T);
        client.submitJob(new Job("resize", "b.png"), false, Precedence.LOW, T);

        ServerSnapshot snap = server.snapshot();
        List<JobSnapshot> high = snap.queuedJobs("resize", Precedence.HIGH);
        assertThat(high).singleElement().satisfies(j -> {
            assertThat(j.payloadString()).isEqualTo("a.png");
            assertThat(j.unique()).isEqualTo("u-1");
            assertThat(j.background()).isTrue();
            assertThat(j.handle()).startsWith("H:");
            assertThat(j.submitterAddress()).isNotNull();
        });
        assertThat(snap.queuedJobs("resize", Precedence.LOW)).extracting(JobSnapshot::payloadString)
                .containsExactly("b.png");
        assertThat(snap.function("resize")).hasValueSatisfying(f -> {
            assertThat(f.queued()).isEqualTo(2);
            assertThat(f.workers()).isZero();
        });

        Worker worker = worker("resize");
        WorkerJob running = worker.getJob(T);
        assertThat(running.argumentsAsString()).isEqualTo("a.png"); // HIGH first
        ServerSnapshot during = server.snapshot();
        assertThat(during.runningJobs()).singleElement().satisfies(j -> {
            assertThat(j.handle()).isEqualTo(running.handle());
            assertThat(j.workerConnectionId()).isNotNull();
        });
        assertThat(during.workers()).extracting(ConnectionSnapshot::functions).contains(List.of("resize"));
        running.sendWorkComplete("ok");
        server.awaitJob(JobCriteria.function("resize").withPayload("a.png").inState(JobState.COMPLETED), T);
    }

    @Test
    void theJournalRecordsAJobsWholeLifeAndWaitsOnIt() {
        Client client = client();
        Worker worker = worker("resize");
        Job job = client.submitJob(new Job("resize", "a.png"));
        WorkerJob wj = worker.getJob(T);
        wj.sendWorkStatus(1, 2);
        wj.sendWorkData("half");
        wj.sendWorkWarning("slow");
        wj.sendWorkComplete("done");

        RecordedJob done = server.awaitJob(JobCriteria.function("resize").inState(JobState.COMPLETED), T);
        assertThat(done.handle()).isEqualTo(job.handle());
        assertThat(done.payloadAsString()).isEqualTo("a.png");
        assertThat(done.data()).containsExactly(Payload.of("half"));
        assertThat(done.warnings()).containsExactly(Payload.of("slow"));
        assertThat(done.numerator()).isEqualTo(1);
        assertThat(done.denominator()).isEqualTo(2);
        assertThat(done.resultAsString()).isEqualTo("done");
        assertThat(done.worker()).isNotNull();
        assertThat(job.waitForCompletion(T).dataAsString()).contains("done");

        Journal journal = server.journal();
        assertThat(journal.events()).extracting(e -> e.getClass().getSimpleName())
                .contains("ConnectionOpened", "CanDo", "JobSubmitted", "JobAssigned", "WorkStatus", "WorkData",
                        "WorkWarning", "JobCompleted");
        assertThat(journal.events()).extracting(JournalEvent::sequence).isSorted();
        assertThat(journal.events(JournalEvent.JobCompleted.class).get(0).worker()).isEqualTo(done.worker());
        assertThat(journal.events(JournalEvent.WorkData.class).get(0).worker()).isEqualTo(done.worker());
        assertThat(server.dumpJournal()).contains("JobCompleted").contains("result=\"done\"");
    }

    @Test
    void takeJobHandsOutSubmissionsInOrderAndFailsListingWhatItSaw() {
        Client client = client();
        client.submitJob(new Job("mail", "one"), true, Precedence.NORMAL, T);
        client.submitJob(new Job("other", "x"), true, Precedence.NORMAL, T);
        client.submitJob(new Job("mail", "two"), true, Precedence.NORMAL, T);
        assertThat(server.takeJob("mail", T).payloadAsString()).isEqualTo("one");
        assertThat(server.takeJob("mail", T).payloadAsString()).isEqualTo("two");
        assertThatThrownBy(() -> server.takeJob("mail", Duration.ofMillis(100)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("waiting for a new job for function 'mail' (already taken: 2)")
                .hasMessageContaining("other");
    }

    @Test
    void awaitWorkersWaitsForRegistrationsAndAwaitIdleForAnEmptyServer() {
        assertThatThrownBy(() -> server.awaitWorkers("resize", 1, Duration.ofMillis(50)))
                .hasMessageContaining("1 worker(s) registered for 'resize'")
                .hasMessageContaining("Now registered for 'resize': 0");
        worker("resize");
        worker("resize");
        server.awaitWorkers("resize", 2, T);

        server.awaitIdle(T);
        Client client = client();
        client.submitJob(new Job("nobody", "x"), true, Precedence.NORMAL, T);
        assertThatThrownBy(() -> server.awaitIdle(Duration.ofMillis(50)))
                .hasMessageContaining("waiting for the server to be idle").hasMessageContaining("nobody");
    }

    @Test
    void snapshotsAgreeWithTheAdminStatusCommand() throws Exception {
        Client client = client();
        worker("resize");
        client.submitJob(new Job("resize", "a"), true, Precedence.NORMAL, T);
        client.submitJob(new Job("mail", "b"), true, Precedence.HIGH, T);
        ServerSnapshot snap = server.snapshot();
        List<String> expected = new ArrayList<>();
        snap.functions().forEach(f -> expected.add(f.name() + "\t" + f.total() + "\t" + f.running() + "\t"
                + f.workers()));
        try (Socket raw = rawSocket()) {
            raw.getOutputStream().write("status\n".getBytes(StandardCharsets.US_ASCII));
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(raw.getInputStream(), StandardCharsets.US_ASCII));
            List<String> rows = new ArrayList<>();
            for (String line = in.readLine(); line != null && !line.equals("."); line = in.readLine()) {
                rows.add(line);
            }
            assertThat(rows).containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(expected).contains("resize\t1\t0\t1", "mail\t1\t0\t0");
    }

    @Test
    void stubsAnswerAsAWorkerWould() {
        server.stub("resize").willComplete("small.png");
        server.stub("upper").willAnswer(p -> new String(p, StandardCharsets.UTF_8).toUpperCase()
                .getBytes(StandardCharsets.UTF_8));
        server.stub("broken").willFail();
        server.stub("throws").willThrow("boom");
        server.stub("stream").willRespond(StubResponse.builder().status(1, 3).data("a").warning("w")
                .delay(Duration.ofMillis(20)).data("b").complete("end"));
        Client client = client();

        assertThat(client.submitJob(new Job("resize", "big.png")).waitForCompletion(T).dataAsString())
                .isEqualTo("small.png");
        assertThat(client.submitJob(new Job("upper", "abc")).waitForCompletion(T).dataAsString()).isEqualTo("ABC");
        assertThat(client.submitJob(new Job("broken", "x")).waitForCompletion(T).isFailure()).isTrue();
        client.submitJob(new Job("throws", "x")).waitForCompletion(T);
        assertThat(server.awaitJob(JobCriteria.function("throws").finished(), T).state()).isEqualTo(JobState.EXCEPTION);
        Job streamed = client.submitJob(new Job("stream", "x")).waitForCompletion(T);
        assertThat(streamed.isComplete()).isTrue();
        RecordedJob rec = server.awaitJob(JobCriteria.function("stream").inState(JobState.COMPLETED), T);
        assertThat(rec.data()).containsExactly(Payload.of("a"), Payload.of("b"));
        assertThat(rec.warnings()).containsExactly(Payload.of("w"));
        assertThat(rec.worker().stub()).isTrue();
    }

    @Test
    void stubSequencesAndConditionsScriptRetries() {
        server.stub("flaky").willRespond(StubResponse.fail(), StubResponse.fail(), StubResponse.complete("ok"));
        server.stub("picky").when(p -> new String(p, StandardCharsets.UTF_8).startsWith("good"))
                .willComplete("yes");
        Client client = client();
        assertThat(client.submitJob(new Job("flaky", "1")).waitForCompletion(T).isFailure()).isTrue();
        assertThat(client.submitJob(new Job("flaky", "2")).waitForCompletion(T).isFailure()).isTrue();
        assertThat(client.submitJob(new Job("flaky", "3")).waitForCompletion(T).dataAsString()).isEqualTo("ok");
        assertThat(client.submitJob(new Job("flaky", "4")).waitForCompletion(T).dataAsString()).isEqualTo("ok");

        assertThat(client.submitJob(new Job("picky", "good one")).waitForCompletion(T).dataAsString())
                .isEqualTo("yes");
        assertThat(client.submitJob(new Job("picky", "bad one")).waitForCompletion(T).isFailure()).isTrue();
        assertThat(server.unmatchedJobs()).extracting(RecordedJob::payloadAsString).containsExactly("bad one");
        assertThatThrownBy(server::verifyNoUnmatchedJobs).hasMessageContaining("bad one");
    }

    @Test
    void submitFromTheTestSideReachesARealWorker() {
        Worker worker = worker("resize");
        SubmittedJob submitted = server.submit("resize", "a.png");
        WorkerJob job = worker.getJob(T);
        assertThat(job.handle()).isEqualTo(submitted.handle());
        assertThat(job.argumentsAsString()).isEqualTo("a.png");
        job.sendWorkComplete("thumb");
        assertThat(new String(submitted.awaitResult(T), StandardCharsets.UTF_8)).isEqualTo("thumb");

        SubmittedJob failing = server.submit("resize", "b.png");
        worker.getJob(T).sendWorkFail();
        assertThatThrownBy(() -> failing.awaitResult(T)).hasMessageContaining("ended FAILED");
    }

    @Test
    void resetClearsJournalStubsAndQueuesWithoutRebinding() {
        int port = server.port();
        server.stub("resize").willComplete("x");
        Client client = client();
        client.submitJob(new Job("queued", "q"), true, Precedence.NORMAL, T);
        server.onJobAssigned("resize", GearFault.disconnect());

        server.reset();

        assertThat(server.port()).isEqualTo(port);
        assertThat(server.journal().events()).isEmpty();
        assertThat(server.snapshot().jobs()).isEmpty();
        assertThat(server.snapshot().function("resize").map(f -> f.workers()).orElse(0)).isZero();
        // the same client still works against the same server
        client.submitJob(new Job("queued", "again"), true, Precedence.NORMAL, T);
        assertThat(server.takeJob("queued", T).payloadAsString()).isEqualTo("again");
    }

    @Test
    void restartKeepsThePortAndClientsReconnect() {
        int port = server.port();
        server.stub("echo").willAnswer(p -> p);
        Client client = client();
        assertThat(client.submitJob(new Job("echo", "1")).waitForCompletion(T).dataAsString()).isEqualTo("1");

        server.restart();

        assertThat(server.port()).isEqualTo(port);
        client.waitForServer(T);
        Job again = submitRetrying(client, new Job("echo", "2"));
        assertThat(again.waitForCompletion(T).dataAsString()).isEqualTo("2");
        assertThat(server.journal().events(JournalEvent.ConnectionClosed.class)).isNotEmpty();
    }

    @Test
    void unmatchedSubmissionsFailFastOrAreReportedByPolicy() {
        server.close();
        server = configure(EmbeddedGearmanServer.builder().unmatchedPolicy(UnmatchedPolicy.FAIL_FAST)).build().start();
        Client client = client();
        Job orphan = client.submitJob(new Job("nobody", "x"));
        assertThat(orphan.waitForCompletion(T).isFailure()).isTrue();
        assertThat(server.awaitJob(JobCriteria.function("nobody").finished(), T).state()).isEqualTo(JobState.FAILED);
        // The fail-fast registration is withdrawn: a real worker that comes later gets later jobs.
        Worker worker = worker("nobody");
        client.submitJob(new Job("nobody", "y"));
        assertThat(worker.getJob(T).argumentsAsString()).isEqualTo("y");

        server.close();
        server = configure(EmbeddedGearmanServer.builder().unmatchedPolicy(UnmatchedPolicy.REPORT)).build().start();
        client = client();
        client.submitJob(new Job("nobody", "queued"), true, Precedence.NORMAL, T);
        server.awaitEvent(JournalEvent.JobUnmatched.class, e -> e.function().equals("nobody"), T);
        assertThat(server.snapshot().queuedJobs()).hasSize(1);
        assertThatThrownBy(server::verifyNoUnmatchedJobs).isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 did not").hasMessageContaining("nobody").hasMessageContaining("\"queued\"");
    }

    @Test
    void adminCommandsAreJournaled() throws Exception {
        try (Socket raw = rawSocket()) {
            raw.getOutputStream().write("status\n".getBytes(StandardCharsets.US_ASCII));
            JournalEvent.AdminCommand admin = server.awaitEvent(JournalEvent.AdminCommand.class, e -> true, T);
            assertThat(admin.command()).isEqualTo("status");
        }
    }

    // ------------------------------------------------------------------ faults

    @Test
    void aWorkerKilledMidJobFollowsTheWorkerLossPolicy() {
        // Default policy: a foreground job fails to its client, a background job is requeued.
        server.onJobAssigned("resize", GearFault.disconnect(), 2);
        Client client = client();
        Job foreground = client.submitJob(new Job("resize", "fg"));
        SubmittedJob background = server.submit("resize", "bg".getBytes(StandardCharsets.UTF_8), "", Precedence.LOW,
                true);
        try (Worker first = server.newWorker("resize")) {
            // JOB_ASSIGN is flushed, then the server drops the connection: the worker holds a job it cannot finish.
            assertThat(first.getJob(T).handle()).isEqualTo(foreground.handle());
        }
        RecordedJob failed = server.awaitJob(JobCriteria.function("resize").withHandle(foreground.handle())
                .inState(JobState.FAILED), T);
        assertThat(failed.reason()).contains("lost");
        assertThat(foreground.waitForCompletion(T).isFailure()).isTrue();

        try (Worker second = server.newWorker("resize")) {
            assertThat(second.getJob(T).handle()).isEqualTo(background.handle());
        }
        JournalEvent.JobRequeued requeue = server.awaitEvent(JournalEvent.JobRequeued.class,
                e -> e.handle().equals(background.handle()), T);
        assertThat(requeue.reason()).contains("lost");
        assertThat(server.journal().events(JournalEvent.FaultInjected.class)).hasSize(2)
                .allSatisfy(f -> assertThat(f.fault()).isEqualTo("disconnect"));
        JobSnapshot requeued = server.snapshot().job(background.handle()).orElseThrow();
        assertThat(requeued.state()).isEqualTo(JobSnapshot.State.QUEUED);
        assertThat(requeued.retries()).isEqualTo(1);

        server.stub("resize").willComplete("second try");
        RecordedJob done = background.awaitOutcome(T);
        assertThat(done.state()).isEqualTo(JobState.COMPLETED);
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.worker().stub()).isTrue();
    }

    @Test
    void aWorkerResetMidJobUnderRequeueAllIsRetriedByTheNextWorker() throws Exception {
        server.close();
        server = configure(EmbeddedGearmanServer.builder()
                .workerLossPolicy(dev.gear.server.WorkerLossPolicy.requeueAll())).build().start();
        server.onJobAssigned("resize", GearFault.reset());
        Client client = client();
        Job job = client.submitJob(new Job("resize", "x"));
        try (Socket rawWorker = rawSocket()) {
            // A bare worker on the wire: CAN_DO, GRAB_JOB_UNIQ; the server resets it right after JOB_ASSIGN.
            rawWorker.getOutputStream().write(Packet.request(PacketType.CAN_DO, "resize").toBinary());
            rawWorker.getOutputStream().write(Packet.request(PacketType.GRAB_JOB_UNIQ).toBinary());
            server.awaitEvent(JournalEvent.JobRequeued.class, e -> e.handle().equals(job.handle()), T);
        }
        server.stub("resize").willComplete("ok");
        assertThat(job.waitForCompletion(T).dataAsString()).isEqualTo("ok");
        assertThat(server.journal().events(JournalEvent.FaultInjected.class))
                .extracting(JournalEvent.FaultInjected::fault).containsExactly("reset");
        assertThat(server.awaitJob(JobCriteria.function("resize").inState(JobState.COMPLETED), T).attempts())
                .isEqualTo(2);
    }

    @Test
    void aClientDroppedAfterJobCreatedLeavesAnOrphanThatIsDropped() {
        server.onJobCreated("resize", GearFault.disconnect());
        Client client = client();
        Job job = client.submitJob(new Job("resize", "orphan"));
        assertThat(job.handle()).startsWith("H:");
        RecordedJob dropped = server.awaitJob(JobCriteria.function("resize").inState(JobState.DROPPED), T);
        assertThat(dropped.reason()).contains("client");
        assertThat(server.snapshot().jobs()).isEmpty();
    }

    @Test
    void garbageAndTruncatedPacketsReachThePeer() throws Exception {
        try (Socket raw = rawSocket()) {
            if (raw instanceof javax.net.ssl.SSLSocket tls) {
                tls.startHandshake(); // the server records a TLS connection once its handshake is done
            }
            long id = awaitNewConnection();
            server.injectFault(id, GearFault.garbage(new byte[] {'j', 'u', 'n', 'k'}));
            InputStream in = raw.getInputStream();
            assertThat(in.readNBytes(4)).containsExactly('j', 'u', 'n', 'k');
            server.injectFault(id, GearFault.truncatedPacket());
            byte[] rest = in.readAllBytes(); // ends at EOF: the server closed after a partial packet
            assertThat(rest).hasSize(15);
            assertThat(rest[11]).isEqualTo((byte) 100); // announced 100 body bytes, sent 3
        }
        assertThatThrownBy(() -> server.injectFault(999_999, GearFault.reset()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no open connection numbered 999999");
    }

    @Test
    void aDelayHoldsThePeersPacketsBack() {
        Client client = client();
        long id = server.takeConnection(T).connection();
        server.injectFault(id, GearFault.delay(Duration.ofMillis(300)));
        client.submitJob(new Job("slow", "x"), true, Precedence.NORMAL, T);
        Journal j = server.journal();
        JournalEvent.FaultInjected fault = j.events(JournalEvent.FaultInjected.class).get(0);
        JournalEvent.JobSubmitted submitted = j.events(JournalEvent.JobSubmitted.class).get(0);
        assertThat(fault.fault()).isEqualTo("delay input 300 ms");
        // A lower bound only: the event is recorded before the pause starts, and the submission
        // cannot be read before it ends (5 ms slack: wall clock vs. the loop's monotonic timer).
        assertThat(Duration.between(fault.time(), submitted.time())).isGreaterThanOrEqualTo(Duration.ofMillis(295));
    }

    @Test
    void stoppingAcceptingHoldsNewConnectionsUntilResumed() throws Exception {
        server.setAccepting(false);
        try (Socket raw = rawSocket()) {
            // Connect (and, under TLS, handshake) and ECHO on another thread: it can only finish once accepted.
            CompletableFuture<byte[]> echo = CompletableFuture.supplyAsync(() -> {
                try {
                    raw.getOutputStream().write(Packet.request(PacketType.ECHO_REQ, new byte[] {'h', 'i'}).toBinary());
                    return raw.getInputStream().readNBytes(14);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            // A bounded negative check: nothing may be answered while the server is not accepting.
            assertThatThrownBy(() -> echo.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            assertThat(server.journal().events(JournalEvent.ConnectionOpened.class)).isEmpty();
            server.setAccepting(true);
            assertThat(echo.get(T.toSeconds(), TimeUnit.SECONDS)).endsWith('h', 'i');
            awaitNewConnection();
        }
    }

    /** The id of the newest connection that is not the test kit's, waiting for it to be accepted. */
    long awaitNewConnection() {
        return server.takeConnection(T).connection();
    }

    /** After a restart the client may still hold the dead connection for one attempt. */
    /**
     * Submits right after a restart, as an application would: a connection the client still
     * believes in may be the old one (its FIN not read yet), and a reconnect made while the old
     * listener was closing can be reset at once, so a submission may fail with a connection error
     * more than once before one sticks. Retries with a fresh job until {@link #T} runs out.
     */
    static Job submitRetrying(Client client, Job job) {
        long deadline = System.nanoTime() + T.toNanos();
        Job attempt = job;
        while (true) {
            try {
                return client.submitJob(attempt);
            } catch (ConnectionException | NoConnectedServersException e) {
                if (System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                client.waitForServer(T);
                attempt = new Job(job.name(), job.arguments());
            }
        }
    }
}
