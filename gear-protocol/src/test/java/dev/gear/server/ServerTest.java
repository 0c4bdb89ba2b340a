package dev.gear.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.Precedence;
import dev.gear.internal.server.ServerAccess;
import dev.gear.internal.server.ServerEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Job flows through a real server on loopback, driven by raw packets. */
class ServerTest {
    private final List<AutoCloseable> resources = new ArrayList<>();
    private Server server;

    private Server start(Server.Builder builder) {
        server = builder.port(0).listenAddress("127.0.0.1").build().start();
        resources.add(server);
        return server;
    }

    private Server start() {
        return start(Server.builder());
    }

    private RawClient connect() {
        RawClient c = RawClient.connect(server);
        resources.add(0, c);
        return c;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : resources) {
            c.close();
        }
    }

    @Test
    void foregroundJobRunsAndEveryWorkPacketReachesTheClientWithResMagic() {
        start();
        RawClient client = connect();
        RawClient worker = connect().canDo("reverse");
        String handle = client.submit(PacketType.SUBMIT_JOB, "reverse", "u1", "abc\0def");
        assertThat(handle).isEqualTo("H:127.0.0.1:1");

        worker.grab();
        // JOB_ASSIGN_UNIQ: handle, function, unique, data (NULs in data survive)
        worker.send(PacketType.GRAB_JOB_UNIQ); // nothing else queued
        worker.expect(PacketType.NO_JOB);

        List<Packet> sent = List.of(
                Packet.request(PacketType.WORK_DATA, handle, "part"),
                Packet.request(PacketType.WORK_STATUS, handle, "3", "10"),
                Packet.request(PacketType.WORK_WARNING, handle, "careful"),
                Packet.request(PacketType.WORK_COMPLETE, handle, "fed\0cba"));
        sent.forEach(worker::send);
        for (Packet p : sent) {
            assertThat(client.read()).isEqualTo(p.withMagic(Magic.RES));
        }
        // The job is gone: a late packet is refused.
        worker.send(PacketType.WORK_COMPLETE, handle, "again");
        worker.expectError("JOB_NOT_FOUND", "Job given in work result not found");
    }

    @Test
    void assignCarriesHandleFunctionUniqueAndData() {
        start();
        RawClient client = connect();
        RawClient worker = connect().canDo("f");
        String h = client.submit(PacketType.SUBMIT_JOB, "f", "my-unique", "payload\0x");
        Packet assign = worker.grab();
        assertThat(assign.fields()).map(b -> new String(b, StandardCharsets.UTF_8))
                .containsExactly(h, "f", "my-unique", "payload\0x");

        String h2 = client.submit(PacketType.SUBMIT_JOB, "f", "", "p2");
        worker.send(PacketType.GRAB_JOB).expect(PacketType.JOB_ASSIGN, h2, "f", "p2");

        String h3 = client.submit(PacketType.SUBMIT_JOB, "f", "", "p3");
        worker.send(PacketType.GRAB_JOB_ALL).expect(PacketType.JOB_ASSIGN_UNIQ, h3, "f", "", "p3");

        client.send(PacketType.SUBMIT_REDUCE_JOB, "f", "ru", "reducer", "aggregator", "p4");
        String h4 = client.expect(PacketType.JOB_CREATED).fieldString(0);
        worker.send(PacketType.GRAB_JOB_ALL).expect(PacketType.JOB_ASSIGN_ALL, h4, "f", "ru", "reducer", "p4");
    }

    @Test
    void highBeforeNormalBeforeLowFifoAcrossAllOfAWorkersFunctions() {
        start();
        RawClient client = connect();
        String[][] submits = {
            {"a", "low1"}, {"b", "n1"}, {"a", "high1"}, {"b", "low2"}, {"a", "n2"}, {"b", "high2"}, {"b", "n3"},
        };
        for (String[] s : submits) {
            PacketType type = s[1].startsWith("low") ? PacketType.SUBMIT_JOB_LOW_BG
                    : s[1].startsWith("high") ? PacketType.SUBMIT_JOB_HIGH_BG : PacketType.SUBMIT_JOB_BG;
            client.submit(type, s[0], "", s[1]);
        }
        RawClient worker = connect().canDo("a", "b");
        List<String> order = new ArrayList<>();
        for (int i = 0; i < submits.length; i++) {
            Packet p = worker.grab();
            order.add(new String(p.data(), StandardCharsets.UTF_8));
            worker.send(PacketType.WORK_COMPLETE, p.fieldString(0), "");
        }
        assertThat(order).containsExactly("high1", "high2", "n1", "n2", "n3", "low1", "low2");
    }

    @Test
    void workerWithoutFunctionsGetsNoJob() {
        start();
        connect().submit(PacketType.SUBMIT_JOB_BG, "f", "", "x");
        connect().send(PacketType.GRAB_JOB_UNIQ).expect(PacketType.NO_JOB);
    }

    @Test
    void preSleepWakeUpsAtMostOneNoopPerSleep() {
        start();
        RawClient client = connect();
        RawClient sleeper1 = connect().canDo("f");
        RawClient sleeper2 = connect().canDo("f");
        RawClient other = connect().canDo("g");
        for (RawClient w : List.of(sleeper1, sleeper2, other)) {
            w.send(PacketType.PRE_SLEEP);
            assertThat(w.sync()).as("no NOOP without work").isEmpty();
        }
        client.submit(PacketType.SUBMIT_JOB_BG, "f", "", "1");
        client.submit(PacketType.SUBMIT_JOB_BG, "f", "", "2");
        // Both sleepers of f were woken once, however many jobs came; the g worker not at all.
        assertThat(sleeper1.sync()).extracting(Packet::type).containsExactly(PacketType.NOOP);
        assertThat(sleeper2.sync()).extracting(Packet::type).containsExactly(PacketType.NOOP);
        assertThat(other.sync()).isEmpty();

        // PRE_SLEEP while work waits: NOOP at once.
        sleeper1.send(PacketType.PRE_SLEEP).expect(PacketType.NOOP);
        // A worker that learns a function with waiting work while asleep is woken too.
        other.send(PacketType.CAN_DO, "f");
        other.expect(PacketType.NOOP);
    }

    @Test
    void uniqueIdsCoalesceQueuedAndRunningJobsAndEveryForegroundSubmitterGetsTheResults() {
        start();
        RawClient a = connect();
        RawClient b = connect();
        RawClient c = connect();
        RawClient worker = connect().canDo("f");
        String h = a.submit(PacketType.SUBMIT_JOB, "f", "same", "first");
        assertThat(b.submit(PacketType.SUBMIT_JOB_HIGH, "f", "same", "ignored")).isEqualTo(h);
        assertThat(c.submit(PacketType.SUBMIT_JOB_BG, "f", "same", "ignored")).isEqualTo(h);
        assertThat(a.submit(PacketType.SUBMIT_JOB, "g", "same", "other function")).isNotEqualTo(h);
        assertThat(a.submit(PacketType.SUBMIT_JOB, "f", "", "no unique")).isNotEqualTo(h);

        Packet assign = worker.grab();
        assertThat(assign.fieldString(0)).isEqualTo(h);
        assertThat(new String(assign.data(), StandardCharsets.UTF_8)).isEqualTo("first");
        // A late joiner on the running job shares it too.
        RawClient late = connect();
        assertThat(late.submit(PacketType.SUBMIT_JOB, "f", "same", "late")).isEqualTo(h);

        worker.send(PacketType.WORK_COMPLETE, h, "done");
        for (RawClient client : List.of(a, b, late)) {
            client.expect(PacketType.WORK_COMPLETE, h, "done");
        }
        assertThat(c.sync()).as("background submitter hears nothing").isEmpty();
        // Finished: the same unique now makes a new job.
        assertThat(a.submit(PacketType.SUBMIT_JOB_BG, "f", "same", "again")).isNotEqualTo(h);
    }

    @Test
    void uniqueDashMeansThePayloadIsTheUnique() {
        start();
        RawClient a = connect();
        String h = a.submit(PacketType.SUBMIT_JOB_BG, "f", "-", "payload");
        assertThat(a.submit(PacketType.SUBMIT_JOB_BG, "f", "-", "payload")).isEqualTo(h);
        assertThat(a.submit(PacketType.SUBMIT_JOB_BG, "f", "-", "different")).isNotEqualTo(h);
    }

    @Test
    void uniqueLongerThan64BytesIsRefused() {
        start();
        RawClient a = connect();
        a.submit(PacketType.SUBMIT_JOB_BG, "f", "u".repeat(64), "ok");
        a.send(PacketType.SUBMIT_JOB_BG, "f", "u".repeat(65), "x");
        a.expectError("ARGUMENT_TOO_LARGE", "Unique value too large: 65 bytes, the limit is 64");
        assertThat(server.snapshot().jobs()).hasSize(1);
    }

    @Test
    void epochJobIsHeldUntilItsTime() {
        start();
        RawClient client = connect();
        RawClient worker = connect().canDo("f");
        long at = System.currentTimeMillis() / 1000 + 2; // one to two seconds ahead
        client.send(PacketType.SUBMIT_JOB_EPOCH, "f", "", Long.toString(at), "later");
        String h = client.expect(PacketType.JOB_CREATED).fieldString(0);
        assertThat(server.snapshot().job(h)).get().extracting(JobSnapshot::state).isEqualTo(JobSnapshot.State.DELAYED);
        worker.send(PacketType.GRAB_JOB_UNIQ).expect(PacketType.NO_JOB);
        worker.send(PacketType.PRE_SLEEP);
        worker.expect(PacketType.NOOP); // arrives when the job is released
        assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(at * 1000);
        assertThat(worker.grab().fieldString(0)).isEqualTo(h);

        client.send(PacketType.SUBMIT_JOB_EPOCH, "f", "", "0", "past");
        String now = client.expect(PacketType.JOB_CREATED).fieldString(0);
        assertThat(worker.grab().fieldString(0)).isEqualTo(now);
        client.send(PacketType.SUBMIT_JOB_EPOCH, "f", "", "soon", "x");
        client.expectError("INVALID_ARGUMENTS", "seconds since the epoch, got 'soon'");
    }

    @Test
    void lostWorkerFailsForegroundJobsWithResMagicAndRequeuesBackgroundJobs() {
        start();
        RawClient client = connect();
        RawClient worker = connect().canDo("f");
        String fg = client.submit(PacketType.SUBMIT_JOB, "f", "", "fg");
        String bg = client.submit(PacketType.SUBMIT_JOB_BG, "f", "", "bg");
        worker.grab();
        worker.grab();
        worker.close();
        Packet fail = client.expect(PacketType.WORK_FAIL, fg);
        assertThat(fail.magic()).isEqualTo(Magic.RES);

        RawClient second = connect().canDo("f");
        assertThat(second.grab().fieldString(0)).isEqualTo(bg);
        assertThat(server.snapshot().job(bg)).get().extracting(JobSnapshot::retries).isEqualTo(1);
        assertThat(server.snapshot().job(fg)).isEmpty();
    }

    @Test
    void requeueAllPolicyRetriesUpToItsCapThenFails() {
        start(Server.builder().workerLossPolicy(WorkerLossPolicy.requeueAll(1)));
        RawClient client = connect();
        String h = client.submit(PacketType.SUBMIT_JOB, "f", "", "x");
        RawClient w1 = connect().canDo("f");
        w1.grab();
        w1.close();
        RawClient w2 = connect().canDo("f");
        assertThat(w2.grab().fieldString(0)).isEqualTo(h); // same handle, the client kept waiting
        assertThat(client.sync()).isEmpty();
        w2.close();
        client.expect(PacketType.WORK_FAIL, h);
        assertThat(server.snapshot().jobs()).isEmpty();
    }

    @Test
    void lostClientTakesItsQueuedJobsButRunningOnesFinishQuietly() {
        start();
        RawClient client = connect();
        RawClient worker = connect().canDo("f");
        String running = client.submit(PacketType.SUBMIT_JOB, "f", "", "run");
        worker.grab();
        client.submit(PacketType.SUBMIT_JOB, "f", "", "queued");
        String bg = client.submit(PacketType.SUBMIT_JOB_BG, "f", "", "bg");
        RawClient other = connect();
        String shared = client.submit(PacketType.SUBMIT_JOB, "f", "shared", "s");
        other.submit(PacketType.SUBMIT_JOB, "f", "shared", "s");
        client.close();

        worker.send(PacketType.WORK_COMPLETE, running, "result nobody hears");
        assertThat(worker.sync()).as("no error for the worker").isEmpty();
        ServerSnapshot s = server.snapshot();
        assertThat(s.jobs()).extracting(JobSnapshot::handle).containsExactly(bg, shared);
        assertThat(s.function("f")).get().extracting(FunctionStatus::total).isEqualTo(2);
    }

    @Test
    void workPacketsForJobsTheConnectionDoesNotHoldGetJobNotFound() {
        start();
        RawClient client = connect();
        RawClient worker = connect().canDo("f");
        RawClient stranger = connect();
        String h = client.submit(PacketType.SUBMIT_JOB, "f", "", "x");
        stranger.send(PacketType.WORK_COMPLETE, h, "not mine");
        stranger.expectError("JOB_NOT_FOUND", "Job given in work result not found: " + h + " is not assigned");
        worker.grab();
        stranger.send(PacketType.WORK_DATA, h, "d");
        stranger.expectError("JOB_NOT_FOUND", "Job does not exist on server");
        stranger.send(PacketType.WORK_EXCEPTION, "H:nope:9", "e");
        stranger.expectError("JOB_NOT_FOUND", "An exception was received for a job that does not exist");
        stranger.send(PacketType.WORK_FAIL, h);
        stranger.expectError("JOB_NOT_FOUND", "not assigned to this connection");
        assertThat(client.sync()).isEmpty();
        worker.send(PacketType.WORK_FAIL, h);
        client.expect(PacketType.WORK_FAIL, h);
    }

    @Test
    void workExceptionGoesToEveryClientByDefault() {
        start();
        RawClient client = connect();
        RawClient worker = connect().canDo("f");
        String h = client.submit(PacketType.SUBMIT_JOB, "f", "", "x");
        worker.grab();
        worker.send(PacketType.WORK_EXCEPTION, h, "boom");
        client.expect(PacketType.WORK_EXCEPTION, h, "boom");
    }

    @Test
    void workExceptionOnlyToOptedInClientsWhenConfiguredLikeGearmand() {
        start(Server.builder().exceptionForwarding(ExceptionForwarding.OPTED_IN_CLIENTS));
        RawClient plain = connect();
        RawClient optedIn = connect();
        optedIn.send(PacketType.OPTION_REQ, "exceptions").expect(PacketType.OPTION_RES, "exceptions");
        optedIn.send(PacketType.OPTION_REQ, "bogus");
        optedIn.expectError("UNKNOWN_OPTION", "Server does not recognize given option 'bogus'");
        RawClient worker = connect().canDo("f");
        String h = plain.submit(PacketType.SUBMIT_JOB, "f", "u", "x");
        optedIn.submit(PacketType.SUBMIT_JOB, "f", "u", "x");
        worker.grab();
        worker.send(PacketType.WORK_EXCEPTION, h, "boom");
        plain.expect(PacketType.WORK_FAIL, h);
        optedIn.expect(PacketType.WORK_EXCEPTION, h, "boom");
    }

    @Test
    void canDoTimeoutRequeuesTheJobAndRefusesTheSlowWorkersLateResult() {
        start();
        RawClient client = connect();
        RawClient slow = connect();
        slow.send(PacketType.CAN_DO_TIMEOUT, "f", "1"); // raised to gearmand's minimum, 1000 ms
        slow.canDo();
        RawClient spare = connect().canDo("f");
        String h = client.submit(PacketType.SUBMIT_JOB, "f", "", "x");
        slow.grab();
        spare.send(PacketType.GRAB_JOB_UNIQ).expect(PacketType.NO_JOB);
        spare.send(PacketType.PRE_SLEEP);
        spare.expect(PacketType.NOOP); // the timeout put the job back
        assertThat(spare.grab().fieldString(0)).isEqualTo(h);
        slow.send(PacketType.WORK_COMPLETE, h, "too late");
        slow.expectError("JOB_NOT_FOUND", "not assigned to this connection");
        spare.send(PacketType.WORK_COMPLETE, h, "ok");
        client.expect(PacketType.WORK_COMPLETE, h, "ok");
    }

    @Test
    void getStatusAndGetStatusUnique() {
        start();
        RawClient client = connect();
        RawClient worker = connect().canDo("f");
        client.send(PacketType.GET_STATUS, "H:none:1").expect(PacketType.STATUS_RES, "H:none:1", "0", "0", "0", "0");
        client.send(PacketType.GET_STATUS_UNIQUE, "nope")
                .expect(PacketType.STATUS_RES_UNIQUE, "nope", "0", "0", "0", "0", "0");
        String h = client.submit(PacketType.SUBMIT_JOB, "f", "uq", "x");
        client.send(PacketType.GET_STATUS, h).expect(PacketType.STATUS_RES, h, "1", "0", "0", "0");
        worker.grab();
        worker.send(PacketType.WORK_STATUS, h, "3", "10");
        client.expect(PacketType.WORK_STATUS, h, "3", "10");
        client.send(PacketType.GET_STATUS, h).expect(PacketType.STATUS_RES, h, "1", "1", "3", "10");
        client.send(PacketType.GET_STATUS_UNIQUE, "uq")
                .expect(PacketType.STATUS_RES_UNIQUE, "uq", "1", "1", "3", "10", "1");
    }

    @Test
    void echoSetClientIdAndCantDo() {
        start();
        RawClient c = connect();
        byte[] payload = new byte[300_000];
        new java.util.Random(1).nextBytes(payload);
        c.send(Packet.request(PacketType.ECHO_REQ, payload));
        assertThat(c.expect(PacketType.ECHO_RES).data()).isEqualTo(payload);
        c.send(PacketType.SET_CLIENT_ID, "my-client");
        c.canDo("f", "g");
        c.send(PacketType.CANT_DO, "f");
        c.send(PacketType.CANT_DO, "never-registered"); // ignored, not fatal (unlike gear)
        c.sync();
        ConnectionSnapshot conn = server.snapshot().connections().get(0);
        assertThat(conn.clientId()).isEqualTo("my-client");
        assertThat(conn.functions()).containsExactly("g");
        c.send(PacketType.RESET_ABILITIES).sync();
        assertThat(server.snapshot().connections().get(0).functions()).isEmpty();
    }

    @Test
    void eventListenerSeesAJobsLifeInOrder() throws InterruptedException {
        start();
        BlockingQueue<ServerEvent> events = new LinkedBlockingQueue<>();
        ServerAccess.core(server).addEventListener(events::add);
        RawClient client = connect();
        RawClient worker = connect().canDo("f");
        String h = client.submit(PacketType.SUBMIT_JOB_HIGH, "f", "u", "in");
        worker.grab();
        worker.send(PacketType.WORK_DATA, h, "d");
        worker.send(PacketType.WORK_STATUS, h, "1", "2");
        worker.send(PacketType.WORK_COMPLETE, h, "out");
        client.expect(PacketType.WORK_DATA);
        client.expect(PacketType.WORK_STATUS);
        client.expect(PacketType.WORK_COMPLETE);
        List<ServerEvent> seen = new ArrayList<>();
        while (seen.size() < 8) {
            ServerEvent e = events.poll(5, TimeUnit.SECONDS);
            assertThat(e).as("event %d after %s", seen.size(), seen).isNotNull();
            seen.add(e);
        }
        assertThat(seen.get(0)).isInstanceOf(ServerEvent.ConnectionOpened.class);
        assertThat(seen.get(1)).isInstanceOf(ServerEvent.ConnectionOpened.class);
        assertThat(seen.get(2)).isEqualTo(new ServerEvent.CanDo(2, "f"));
        ServerEvent.JobSubmitted submitted = (ServerEvent.JobSubmitted) seen.get(3);
        assertThat(submitted.handle()).isEqualTo(h);
        assertThat(submitted.precedence()).isEqualTo(Precedence.HIGH);
        assertThat(new String(submitted.payload(), StandardCharsets.UTF_8)).isEqualTo("in");
        assertThat(seen.get(4)).isEqualTo(new ServerEvent.JobAssigned(h, "f", 2));
        assertThat(seen.get(5)).isInstanceOf(ServerEvent.WorkData.class);
        assertThat(seen.get(6)).isEqualTo(new ServerEvent.WorkStatus(h, "1", "2"));
        assertThat(new String(((ServerEvent.JobCompleted) seen.get(7)).result(), StandardCharsets.UTF_8))
                .isEqualTo("out");
    }
}
