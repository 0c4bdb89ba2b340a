package dev.gear.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Client;
import dev.gear.GearmanException;
import dev.gear.Job;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.ConnectionException;
import dev.gear.Precedence;
import dev.gear.SharedIoThread;
import dev.gear.StatusAdminRequest;
import dev.gear.Worker;
import dev.gear.WorkerJob;
import dev.gear.internal.codec.DecodeError;
import dev.gear.internal.codec.DecodeListener;
import dev.gear.internal.codec.FrameDecoder;
import dev.gear.it.support.Frame;
import dev.gear.server.Server;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Our {@link Client} and {@link Worker} against hostile servers (issue 7, "Client side"): a plain
 * {@link ServerSocket} on loopback, written here, speaking raw bytes. Each case is one public call
 * against one server behaviour, run again on every connection the client (re)opens:
 * <ul>
 * <li><b>drops</b> (FIN and RST) at every point of a job's life: before JOB_CREATED, in the middle
 *     of the JOB_CREATED packet, after JOB_CREATED, after WORK_DATA, in the middle of WORK_COMPLETE;
 *     for the worker after its GRAB_JOB_UNIQ, in the middle of JOB_ASSIGN_UNIQ, after JOB_ASSIGN_UNIQ,
 *     after NOOP; for ECHO, GET_STATUS, OPTION_REQ and admin requests before and in the middle of
 *     the answer;</li>
 * <li><b>garbage</b> in place of an answer: random bytes, a bad magic, an unknown packet type, a
 *     huge declared length, a reply to nothing, a text line where a packet is due, a packet where
 *     admin text is due;</li>
 * <li><b>silence</b>: it accepts and never answers.</li>
 * <li><b>handler workers</b> (a {@link dev.gear.JobHandler}, the worker grabbing on its own), the
 *     handler on the worker's pool and on its I/O thread: FIN/RST while the handler holds the job
 *     (it then answers, or throws; the worker must grab again on its new connection once the
 *     handler returned), FIN/RST after the grab and after the assignment, garbage instead of the
 *     assignment, silence; a worker closed while its handler runs (close() must not wait for it,
 *     its late result must be refused);</li>
 * <li><b>a {@link SharedIoThread}</b>: one client or worker on it meets a hostile server (silence,
 *     floods of NOOP or WORK_STATUS, an admin list without end, a reset, garbage) while a client
 *     and a worker on the same thread run jobs against a good server (ours) all along: those must
 *     go on completing during the hostile call, fail none, and go on after the hostile one is
 *     closed.</li>
 * </ul>
 * Every call must end, with a result or an exception, within its timeout plus 5 s (waited on
 * futures), and the outcome must be one the case allows. Afterwards everything is closed and the
 * I/O threads of every client and worker made here ({@code gear-client-hostile…},
 * {@code gear-worker-hostile…}), their handler threads ({@code gear-worker-hostile…-handler-N}),
 * the shared I/O threads ({@code gear-shared-hostile…}) and the fake servers' threads must all end
 * (joined with a timeout); the clients not on a shared thread alternate between I/O threads of
 * their own and the JVM-wide default one, which {@link ThreadCensus} expects to survive (once).
 * Short by default; {@code -Dsoak.seconds=N} repeats all cases for N seconds.
 */
class FaultClientSideIT {
    /** The timeout of calls that must time out (the server is silent, or ignores what it got). */
    private static final Duration SHORT = Duration.ofMillis(700);
    /**
     * The timeout of calls that must end otherwise (a drop, garbage): long, so that they prove they
     * end on the event, not by timing out on a loaded machine.
     */
    private static final Duration LONG = Duration.ofSeconds(15);
    private static final Duration SLACK = Duration.ofSeconds(5);
    private static final String ID_PREFIX = "hostile";
    /** The names of the shared I/O threads made here (one per shared case run). */
    private static final String SHARED_PREFIX = "gear-shared-" + ID_PREFIX;
    /** I/O threads, handler pool threads ({@code gear-worker-hostile-N-handler-M}), shared I/O threads, fake servers. */
    private static final ThreadCensus OUR_THREADS = new ThreadCensus(List.of("gear-client-" + ID_PREFIX,
            "gear-worker-" + ID_PREFIX, SHARED_PREFIX, FakeServer.THREAD_PREFIX));
    /** What a shared case adds to its hostile call's outcome when the others on the thread were served throughout. */
    private static final String OTHERS_SERVED = "; others served";
    /**
     * The fewest jobs the good client on a shared I/O thread must complete while a hostile call on
     * the same thread lasts {@link #SHORT} or more (a call that ends on a drop may be over before
     * one job could be): a stalled thread completes none. What they did complete is printed.
     */
    private static final int MIN_SERVED = 1;
    /** The well-behaved server (ours) the other users of a shared I/O thread work against. */
    private static volatile Server good;
    /** The fewest jobs the others on a shared I/O thread completed during a hostile call of {@link #SHORT} or more. */
    private static final AtomicLong FEWEST_SERVED = new AtomicLong(Long.MAX_VALUE);
    /** Jobs the others completed during each shared case's hostile call, by case name (the fewest over the rounds). */
    private static final Map<String, Long> SERVED = new ConcurrentHashMap<>();

    private static final String CONN = "ConnectionException";
    private static final String TIMEOUT = "GearmanTimeoutException";
    private static final String LOST = "job failed: connection lost";

    private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    private final AtomicLong worstMillis = new AtomicLong();
    /** The most I/O threads of ours seen alive at once, sampled as the fake servers accept. */
    private static final AtomicInteger PEAK_THREADS = new AtomicInteger();
    private final AtomicInteger caseCounter = new AtomicInteger();

    @Test
    void everyCallEndsInTimeAndNoThreadOutlivesItsClient() throws Exception {
        assertThat(OUR_THREADS.alive()).as("threads of ours alive before the test").isEmpty();
        int threadsBefore = Thread.getAllStackTraces().size();
        good = Server.builder().listenAddress("127.0.0.1").port(0).build().start();
        List<Case> cases = cases();
        Duration run = Soak.duration(Duration.ZERO);
        long end = System.nanoTime() + run.toNanos();
        ExecutorService callers = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "hostile-caller");
            t.setDaemon(true);
            return t;
        });
        List<String> failures = new CopyOnWriteArrayList<>();
        int rounds = 0;
        long calls = 0;
        try {
            do {
                List<CompletableFuture<Void>> running = new ArrayList<>();
                for (Case c : cases) {
                    running.add(CompletableFuture.runAsync(() -> {
                        String failure = run(c);
                        if (failure != null) {
                            failures.add(failure);
                        }
                    }, callers));
                    calls++;
                }
                CompletableFuture.allOf(running.toArray(new CompletableFuture<?>[0]))
                        .get(LONG.plus(SLACK).multipliedBy(cases.size()).toSeconds(), TimeUnit.SECONDS);
                rounds++;
            } while (System.nanoTime() < end && failures.isEmpty());
        } finally {
            callers.shutdownNow();
            callers.awaitTermination(10, TimeUnit.SECONDS);
            good.close();
        }
        List<String> leaked = OUR_THREADS.awaitEnd(Duration.ofSeconds(15));
        int threadsAfter = Thread.getAllStackTraces().size();

        Soak.Summary summary = Soak.summary("client-side")
                .put("cases", cases.size())
                .put("rounds", rounds)
                .put("calls", calls)
                .put("worstCallMillis", worstMillis.get())
                .put("timeoutMillis", SHORT.toMillis() + "/" + LONG.toMillis())
                .put("slackMillis", SLACK.toMillis());
        new TreeMap<>(outcomes).forEach((k, v) -> summary.put(k.replace(' ', '_').replace(":", "").replace(",", "")
                .replace(";", ""), v.get()));
        summary.put("handlerCases", cases.stream().filter(c -> c.name.contains("handler")).count())
                .put("sharedCases", cases.stream().filter(c -> c.name.startsWith("shared")).count())
                .put("fewestServedByOthers", FEWEST_SERVED.get() == Long.MAX_VALUE ? "-" : FEWEST_SERVED.get())
                .put("ioThreadsPeak", PEAK_THREADS.get())
                .put("threadsBefore", threadsBefore)
                .put("threadsAfter", threadsAfter)
                .put("leakedThreads", leaked.size())
                .print();

        System.out.println("client-side: jobs the others on a shared I/O thread completed during the hostile call: "
                + new TreeMap<>(SERVED));
        assertThat(failures).as("calls that overran or ended wrongly").isEmpty();
        assertThat(leaked).as("our threads still alive after everything was closed").isEmpty();
    }

    // ------------------------------------------------------------------ the cases

    /** One public call against one hostile behaviour, and the outcomes it may have. */
    private static final class Case {
        final String name;
        final Script server;
        final Call call;
        final Set<String> allowed;
        final Duration timeout;
        final Duration bound;

        Case(String name, Script server, Call call, String... allowed) {
            this.name = name;
            this.server = server;
            this.call = call;
            this.allowed = Set.of(allowed);
            this.timeout = this.allowed.stream().anyMatch(a -> a.startsWith(TIMEOUT)) ? SHORT : LONG;
            this.bound = timeout.plus(SLACK);
        }
    }

    private List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Drop drop : Drop.values()) {
            String d = drop.name().toLowerCase();
            // a client's job, at every point of its life
            cases.add(new Case("submit, " + d + " before JOB_CREATED",
                    p -> { p.await(PacketType.SUBMIT_JOB); drop.apply(p); }, submitAndWait(), CONN));
            cases.add(new Case("submit, " + d + " mid JOB_CREATED",
                    p -> { p.await(PacketType.SUBMIT_JOB); p.sendHalf(created()); drop.apply(p); }, submitAndWait(), CONN));
            cases.add(new Case("submit, " + d + " after JOB_CREATED",
                    p -> { p.await(PacketType.SUBMIT_JOB); p.send(created()); drop.apply(p); }, submitAndWait(), LOST));
            cases.add(new Case("submit, " + d + " after WORK_DATA",
                    p -> { p.await(PacketType.SUBMIT_JOB); p.send(created(), work(PacketType.WORK_DATA, "part")); drop.apply(p); },
                    submitAndWait(), LOST));
            cases.add(new Case("submit, " + d + " mid WORK_COMPLETE",
                    p -> { p.await(PacketType.SUBMIT_JOB); p.send(created()); p.sendHalf(work(PacketType.WORK_COMPLETE, "done")); drop.apply(p); },
                    submitAndWait(), LOST));
            cases.add(new Case("get status, " + d + " before STATUS_RES",
                    p -> { p.await(PacketType.SUBMIT_JOB); p.send(created()); p.await(PacketType.GET_STATUS); drop.apply(p); },
                    submitAndGetStatus(), CONN));
            cases.add(new Case("echo, " + d + " before ECHO_RES", p -> { p.await(PacketType.ECHO_REQ); drop.apply(p); }, echo(), CONN));
            cases.add(new Case("echo, " + d + " mid ECHO_RES",
                    p -> { Packet req = p.await(PacketType.ECHO_REQ); p.sendHalf(Packet.response(PacketType.ECHO_RES, req.data())); drop.apply(p); },
                    echo(), CONN));
            cases.add(new Case("option, " + d + " before OPTION_RES", p -> { p.await(PacketType.OPTION_REQ); drop.apply(p); }, option(), CONN));
            cases.add(new Case("admin status, " + d + " before the reply", p -> { p.awaitLine(); drop.apply(p); }, adminStatus(), CONN));
            cases.add(new Case("admin status, " + d + " mid list",
                    p -> { p.awaitLine(); p.sendRaw("f\t1\t0\t1\n".getBytes(StandardCharsets.US_ASCII)); drop.apply(p); },
                    adminStatus(), CONN));
            // a worker's job
            cases.add(new Case("getJob, " + d + " after GRAB_JOB_UNIQ", p -> { p.await(PacketType.GRAB_JOB_UNIQ); drop.apply(p); },
                    getJobAndComplete(), TIMEOUT));
            cases.add(new Case("getJob, " + d + " mid JOB_ASSIGN_UNIQ",
                    p -> { p.await(PacketType.GRAB_JOB_UNIQ); p.sendHalf(assign()); drop.apply(p); }, getJobAndComplete(), TIMEOUT));
            // The job arrived: getJob returns it; the result cannot go back (refused, or dropped if
            // the worker has not seen the drop yet), or the job was dropped before a caller took it.
            cases.add(new Case("getJob, " + d + " after JOB_ASSIGN_UNIQ",
                    p -> { p.await(PacketType.GRAB_JOB_UNIQ); p.send(assign()); drop.apply(p); },
                    getJobAndComplete(), "job: result refused", "job: result sent", TIMEOUT));
            cases.add(new Case("getJob, " + d + " after NOOP",
                    p -> { p.await(PacketType.GRAB_JOB_UNIQ); p.send(Packet.response(PacketType.NO_JOB));
                        p.await(PacketType.PRE_SLEEP); p.send(Packet.response(PacketType.NOOP)); drop.apply(p); },
                    getJobAndComplete(), TIMEOUT));
            cases.add(new Case("worker echo, " + d + " before ECHO_RES", p -> { p.await(PacketType.ECHO_REQ); drop.apply(p); },
                    workerEcho(), CONN));
        }
        // garbage where an answer is due
        for (Garbage g : Garbage.values()) {
            String n = g.name().toLowerCase().replace('_', ' ');
            // A text line that answers no admin request breaks the framing like any other garbage: the
            // connection is closed at once and what waits on it fails, naming the bytes (issue 15).
            cases.add(new Case("submit, " + n + " instead of JOB_CREATED",
                    p -> { p.await(PacketType.SUBMIT_JOB); p.sendRaw(g.bytes()); p.drainUntilClosed(); }, submitAndWait(),
                    CONN));
            cases.add(new Case("submit, " + n + " after JOB_CREATED",
                    p -> { p.await(PacketType.SUBMIT_JOB); p.send(created()); p.sendRaw(g.bytes()); p.drainUntilClosed(); },
                    submitAndWait(), LOST));
            cases.add(new Case("echo, " + n + " instead of ECHO_RES",
                    p -> { p.await(PacketType.ECHO_REQ); p.sendRaw(g.bytes()); p.drainUntilClosed(); }, echo(), CONN));
            cases.add(new Case("getJob, " + n + " instead of JOB_ASSIGN_UNIQ",
                    p -> { p.await(PacketType.GRAB_JOB_UNIQ); p.sendRaw(g.bytes()); p.drainUntilClosed(); }, getJobAndComplete(), TIMEOUT));
        }
        cases.add(new Case("admin status, a reply packet instead of the reply",
                p -> { p.awaitLine(); p.send(created()); p.drainUntilClosed(); }, adminStatus(), CONN));
        cases.add(new Case("admin status, a list that never ends", p -> {
            p.awaitLine();
            byte[] lines = new byte[64_000];
            Arrays.fill(lines, (byte) 'x');
            for (int i = 7999; i < lines.length; i += 8000) {
                lines[i] = '\n';
            }
            while (true) { // until the client closes (an IOException ends the script)
                p.sendRaw(lines);
            }
        }, adminStatus(), "InvalidDataException"));
        cases.add(new Case("admin status, NOOP instead of the reply", // NOOP is a legitimate wake-up: ignored
                p -> { p.awaitLine(); p.send(Packet.response(PacketType.NOOP)); p.drainUntilClosed(); }, adminStatus(), TIMEOUT));
        cases.add(new Case("getJob, JOB_ASSIGN_UNIQ missing fields",
                p -> { p.await(PacketType.GRAB_JOB_UNIQ); p.sendRaw(rawPacket(PacketType.JOB_ASSIGN_UNIQ, "H:fake:1"));
                    p.drainUntilClosed(); }, getJobAndComplete(), TIMEOUT));
        cases.add(new Case("job, WORK_STATUS missing its denominator",
                p -> { p.await(PacketType.SUBMIT_JOB); p.send(created()); p.sendRaw(rawPacket(PacketType.WORK_STATUS, "H:fake:1"));
                    p.drainUntilClosed(); }, submitAndWait(), LOST, TIMEOUT));
        cases.add(new Case("admin status, garbage line without end",
                p -> { p.awaitLine(); p.sendRaw(repeat('x', 2 * 1024 * 1024)); p.drainUntilClosed(); }, adminStatus(), CONN, TIMEOUT));
        // silence
        Script silent = Peer::drainUntilClosed;
        cases.add(new Case("submit, silent", silent, submitAndWait(), TIMEOUT));
        cases.add(new Case("job, silent after JOB_CREATED", p -> { p.await(PacketType.SUBMIT_JOB); p.send(created()); p.drainUntilClosed(); },
                submitAndWait(), TIMEOUT));
        cases.add(new Case("echo, silent", silent, echo(), TIMEOUT));
        cases.add(new Case("option, silent", silent, option(), TIMEOUT));
        cases.add(new Case("admin status, silent", silent, adminStatus(), TIMEOUT));
        cases.add(new Case("getJob, silent", silent, getJobAndComplete(), TIMEOUT));
        cases.add(new Case("worker echo, silent", silent, workerEcho(), TIMEOUT));
        handlerCases(cases, silent);
        sharedCases(cases, silent);
        return cases;
    }

    /**
     * A worker whose function has a handler (it grabs on its own), the handler on the worker's pool
     * or on its I/O thread: drops while the handler holds the job (then the handler answers, or
     * throws; either way the worker must go on and grab again on its new connection), drops around
     * the assignment, garbage, silence; and a worker closed while its handler runs.
     */
    private static void handlerCases(List<Case> cases, Script silent) {
        for (boolean onIo : new boolean[] {false, true}) {
            String k = onIo ? "handler on I/O thread" : "handler on pool";
            for (Drop drop : Drop.values()) {
                String d = drop.name().toLowerCase();
                cases.add(new Case(k + ", " + d + " while it runs", dropWhileHandlerRuns(drop),
                        handlerJob(onIo, true, false), "handler: result refused, grabbed again",
                        "handler: result sent, grabbed again"));
                cases.add(new Case(k + ", " + d + " while it runs, then it throws", dropWhileHandlerRuns(drop),
                        handlerJob(onIo, true, true), "handler: threw, grabbed again"));
                cases.add(new Case(k + ", " + d + " after GRAB_JOB_UNIQ", p -> { p.await(PacketType.GRAB_JOB_UNIQ); drop.apply(p); },
                        handlerJob(onIo, false, false), TIMEOUT));
                cases.add(new Case(k + ", " + d + " after JOB_ASSIGN_UNIQ",
                        p -> { p.await(PacketType.GRAB_JOB_UNIQ); p.send(assign()); drop.apply(p); },
                        handlerJob(onIo, false, false), "handler: result refused", "handler: result sent", TIMEOUT));
            }
            for (Garbage g : Garbage.values()) {
                cases.add(new Case(k + ", " + g.name().toLowerCase().replace('_', ' ') + " instead of JOB_ASSIGN_UNIQ",
                        p -> { p.await(PacketType.GRAB_JOB_UNIQ); p.sendRaw(g.bytes()); p.drainUntilClosed(); },
                        handlerJob(onIo, false, false), TIMEOUT));
            }
            cases.add(new Case(k + ", silent", silent, handlerJob(onIo, false, false), TIMEOUT));
            cases.add(new Case(k + ", silent after JOB_ASSIGN_UNIQ",
                    p -> { p.await(PacketType.GRAB_JOB_UNIQ); p.send(assign()); p.drainUntilClosed(); },
                    handlerJob(onIo, false, false), "handler: result sent"));
        }
        cases.add(new Case("handler on pool, worker closed while it runs",
                p -> { p.await(PacketType.GRAB_JOB_UNIQ); p.send(assign()); p.drainUntilClosed(); },
                closeWhileHandlerRuns(), "handler: result refused after close"));
    }

    /**
     * Clients and workers on one {@link SharedIoThread}: one of them meets a hostile server while
     * a client and a worker on the same thread run jobs against a good server (ours) all along.
     * The hostile call must end as it would on a thread of its own, the others must complete jobs
     * while it runs (at least {@link #MIN_SERVED} during a call of {@link #SHORT} or more) and none
     * may fail, and once the hostile one is closed they go on.
     */
    private static void sharedCases(List<Case> cases, Script silent) {
        String others = OTHERS_SERVED;
        cases.add(new Case("shared: client, silent", silent, shared(submitAndWait()), TIMEOUT + others));
        cases.add(new Case("shared: client, NOOP flood after JOB_CREATED",
                p -> { p.await(PacketType.SUBMIT_JOB); p.send(created()); flood(p, Packet.response(PacketType.NOOP)); },
                shared(submitAndWait()), TIMEOUT + others));
        cases.add(new Case("shared: client, WORK_STATUS flood after JOB_CREATED",
                p -> { p.await(PacketType.SUBMIT_JOB); p.send(created()); flood(p, Packet.response(PacketType.WORK_STATUS, "H:fake:1", "1", "2")); },
                shared(submitAndWait()), TIMEOUT + others));
        cases.add(new Case("shared: client, admin list that never ends", p -> {
            p.awaitLine();
            flood(p, "x".repeat(7999) + "\n");
        }, shared(adminStatus()), "InvalidDataException" + others));
        cases.add(new Case("shared: client, rst after JOB_CREATED",
                p -> { p.await(PacketType.SUBMIT_JOB); p.send(created()); p.rst(); }, shared(submitAndWait()), LOST + others));
        cases.add(new Case("shared: client, random bytes instead of JOB_CREATED",
                p -> { p.await(PacketType.SUBMIT_JOB); p.sendRaw(Garbage.RANDOM_BYTES.bytes()); p.drainUntilClosed(); },
                shared(submitAndWait()), CONN + others));
        cases.add(new Case("shared: getJob worker, silent", silent, shared(getJobAndComplete()), TIMEOUT + others));
        cases.add(new Case("shared: handler worker, NOOP flood while it sleeps", p -> {
            p.await(PacketType.GRAB_JOB_UNIQ);
            p.send(Packet.response(PacketType.NO_JOB));
            p.await(PacketType.PRE_SLEEP);
            flood(p, Packet.response(PacketType.NOOP));
        }, shared(handlerJob(true, false, false)), TIMEOUT + others));
        cases.add(new Case("shared: handler on the shared thread, rst after JOB_ASSIGN_UNIQ",
                p -> { p.await(PacketType.GRAB_JOB_UNIQ); p.send(assign()); p.rst(); }, shared(handlerJob(true, false, false)),
                "handler: result refused" + others, "handler: result sent" + others, TIMEOUT + others));
        cases.add(new Case("shared: handler on pool, fin while it runs", dropWhileHandlerRuns(Drop.FIN),
                shared(handlerJob(false, true, false)), "handler: result refused, grabbed again" + others,
                "handler: result sent, grabbed again" + others));
        cases.add(new Case("shared: handler on pool, garbage instead of JOB_ASSIGN_UNIQ",
                p -> { p.await(PacketType.GRAB_JOB_UNIQ); p.sendRaw(Garbage.BAD_MAGIC.bytes()); p.drainUntilClosed(); },
                shared(handlerJob(false, false, false)), TIMEOUT + others));
    }

    /**
     * On the first connection: the job, then (once the handler has it) a drop; on the next ones,
     * note the grab that comes once the handler has returned, and stay silent.
     */
    private static Script dropWhileHandlerRuns(Drop drop) {
        return p -> {
            p.await(PacketType.GRAB_JOB_UNIQ);
            if (p.index > 1) {
                p.rv.regrabbed.countDown();
                p.drainUntilClosed();
                return;
            }
            p.send(assign());
            if (!Rendezvous.await(p.rv.handlerStarted, LONG)) {
                throw new IOException("the handler never started");
            }
            drop.apply(p);
            p.rv.dropped.countDown();
        };
    }

    /** Floods the client with {@code packet} until it closes (the write fails). */
    private static void flood(Peer p, Packet packet) throws IOException {
        flood(p, packet.toBinary());
    }

    private static void flood(Peer p, String text) throws IOException {
        flood(p, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static void flood(Peer p, byte[] one) throws IOException {
        byte[] batch = new byte[Math.max(1, 65536 / one.length) * one.length];
        for (int i = 0; i < batch.length; i += one.length) {
            System.arraycopy(one, 0, batch, i, one.length);
        }
        while (true) { // until the client closes (an IOException ends the script)
            p.sendRaw(batch);
        }
    }

    private static Packet created() {
        return Packet.response(PacketType.JOB_CREATED, "H:fake:1");
    }

    private static Packet work(PacketType type, String data) {
        return Packet.response(type, "H:fake:1", data);
    }

    private static Packet assign() {
        return Packet.response(PacketType.JOB_ASSIGN_UNIQ, "H:fake:1", "f", "u1", "args");
    }

    /** A RES packet built by hand, so it may break the field rules Packet enforces. */
    private static byte[] rawPacket(PacketType type, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(12 + b.length).put(new byte[] {0, 'R', 'E', 'S'}).putInt(type.code()).putInt(b.length)
                .put(b).array();
    }

    private static byte[] repeat(char c, int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    private enum Drop {
        FIN, RST;

        void apply(Peer p) throws IOException {
            if (this == FIN) {
                p.fin();
            } else {
                p.rst();
            }
        }
    }

    private enum Garbage {
        RANDOM_BYTES, BAD_MAGIC, UNKNOWN_TYPE, HUGE_LENGTH, REPLY_TO_NOTHING, TEXT_LINE, REQ_MAGIC;

        byte[] bytes() {
            switch (this) {
                case RANDOM_BYTES: {
                    byte[] b = new byte[64];
                    new java.util.Random(ordinal()).nextBytes(b);
                    b[0] = 0; // binary framing, so it is read as a (broken) packet
                    return b;
                }
                case BAD_MAGIC:
                    return header("\0RSX", 11, 0);
                case UNKNOWN_TYPE:
                    return header("\0RES", 9999, 0);
                case HUGE_LENGTH:
                    return header("\0RES", PacketType.JOB_CREATED.code(), Integer.MAX_VALUE);
                case REPLY_TO_NOTHING:
                    return Packet.response(PacketType.STATUS_RES_UNIQUE, "u", "0", "0", "0", "0", "0").toBinary();
                case TEXT_LINE:
                    return "OK what\n".getBytes(StandardCharsets.US_ASCII);
                default:
                    return Packet.request(PacketType.JOB_CREATED, "H:fake:1").toBinary();
            }
        }

        private static byte[] header(String magic, int type, int length) {
            ByteBuffer b = ByteBuffer.allocate(12);
            b.put(magic.getBytes(StandardCharsets.ISO_8859_1)).putInt(type).putInt(length);
            return b.array();
        }
    }

    // ------------------------------------------------------------------ the calls

    /** A public call made against a server at a port; returns a word for what came back. */
    private interface Call {
        String run(Ctx x) throws Exception;
    }

    /**
     * What a call gets: the hostile server's port, the client id to use, the call's timeout, the
     * case run's rendezvous with the server's script, and the shared I/O thread to build on (null
     * for an I/O thread of its own).
     */
    private record Ctx(String name, int port, String id, Duration timeout, Rendezvous rv, SharedIoThread io) {
        Ctx on(SharedIoThread shared) {
            return new Ctx(name, port, id, timeout, rv, shared);
        }
    }

    /** Where a case's script and its call meet (a handler started, the server dropped, ...); one per run. */
    private static final class Rendezvous {
        final CountDownLatch handlerStarted = new CountDownLatch(1);
        final CountDownLatch dropped = new CountDownLatch(1);
        final CountDownLatch regrabbed = new CountDownLatch(1);
        final AtomicInteger connections = new AtomicInteger();

        static boolean await(CountDownLatch latch, Duration timeout) {
            try {
                return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * A client on the case run's shared thread, or else, by turns, on an I/O thread of its own
     * ({@code ownIoThread()}, which must end with it) or on the JVM-wide default one (which must
     * go on serving every other case run's clients through whatever this one's server does).
     */
    private static Client client(Ctx x) {
        Client.Builder b = Client.builder().clientId(x.id()).reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
        if (x.io() != null) {
            b.ioThread(x.io());
        } else if (Integer.parseInt(x.id().substring(x.id().lastIndexOf('-') + 1)) % 2 == 0) { // hostile-N
            b.ownIoThread();
        }
        Client c = b.build();
        c.addServer("127.0.0.1", x.port());
        return c;
    }

    private static Worker worker(Ctx x) {
        return worker(x, Worker.builder());
    }

    private static Worker worker(Ctx x, Worker.Builder b) {
        b.clientId(x.id()).reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
        if (x.io() != null) {
            b.ioThread(x.io());
        }
        Worker w = b.build();
        w.addServer("127.0.0.1", x.port());
        return w;
    }

    private static Call submitAndWait() {
        return x -> {
            try (Client c = client(x)) {
                c.waitForServer(LONG);
                Job job = c.submitJob(new Job("f", "args"), false, Precedence.NORMAL, x.timeout());
                job.waitForCompletion(x.timeout());
                if (job.isFailure() && job.failureReason() != null && job.failureReason().contains("lost")) {
                    return LOST;
                }
                return "job: " + (job.isFailure() ? "failed: " + job.failureReason() : "completed " + job.dataAsString());
            }
        };
    }

    private static Call submitAndGetStatus() {
        return x -> {
            try (Client c = client(x)) {
                c.waitForServer(LONG);
                Job job = c.submitJob(new Job("f", "args"), false, Precedence.NORMAL, x.timeout());
                c.getStatus(job, x.timeout());
                return "status: known=" + job.known();
            }
        };
    }

    private static Call echo() {
        return x -> {
            try (Client c = client(x)) {
                c.waitForServer(LONG);
                return "echo: " + new String(c.echo("ping".getBytes(StandardCharsets.US_ASCII), x.timeout()), StandardCharsets.US_ASCII);
            }
        };
    }

    private static Call option() {
        return x -> {
            try (Client c = client(x)) {
                c.waitForServer(LONG);
                c.setOption("exceptions", x.timeout());
                return "option set";
            }
        };
    }

    private static Call adminStatus() {
        return x -> {
            try (Client c = client(x)) {
                c.waitForServer(LONG);
                StatusAdminRequest r = c.getConnection().sendAdminRequest(new StatusAdminRequest(), x.timeout());
                return "admin: " + r;
            }
        };
    }

    private static Call workerEcho() {
        return x -> {
            try (Worker w = worker(x)) {
                w.waitForServer(LONG);
                return "echo: " + new String(w.getConnection().echo("ping".getBytes(StandardCharsets.US_ASCII), x.timeout()),
                        StandardCharsets.US_ASCII);
            }
        };
    }

    private static Call getJobAndComplete() {
        return x -> {
            try (Worker w = worker(x)) {
                w.registerFunction("f");
                WorkerJob job = w.getJob(x.timeout());
                try {
                    job.sendWorkComplete("done");
                    return "job: result sent";
                } catch (dev.gear.ConnectionException e) {
                    return "job: result refused";
                }
            }
        };
    }

    /**
     * A worker with a handler for "f" (on its pool, or on its I/O thread) waits for the handler's
     * first job: the handler may wait until the server has dropped the connection
     * ({@code waitForDrop}), then throws ({@code thenThrow}) or sends its result. With
     * {@code waitForDrop} the call then also waits for the worker to grab again on a new
     * connection, which it may only do once the handler has returned.
     */
    private static Call handlerJob(boolean onIo, boolean waitForDrop, boolean thenThrow) {
        return x -> {
            CompletableFuture<String> handled = new CompletableFuture<>();
            Worker.Builder builder = Worker.builder();
            if (onIo) {
                builder.runHandlersOnIoThread();
            }
            try (Worker w = worker(x, builder)) {
                w.registerFunction("f", job -> {
                    x.rv().handlerStarted.countDown();
                    if (waitForDrop && !Rendezvous.await(x.rv().dropped, LONG)) {
                        handled.complete("handler: the server never dropped");
                        return;
                    }
                    if (thenThrow) {
                        handled.complete("handler: threw");
                        throw new IllegalStateException("handler gives up on " + job.handle());
                    }
                    try {
                        job.sendWorkComplete("done");
                        handled.complete("handler: result sent");
                    } catch (ConnectionException e) {
                        handled.complete("handler: result refused");
                    }
                });
                String outcome;
                try {
                    outcome = handled.get(x.timeout().toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    return TIMEOUT; // the handler never got a job
                }
                if (waitForDrop) {
                    outcome += Rendezvous.await(x.rv().regrabbed, x.timeout()) ? ", grabbed again" : ", never grabbed again";
                }
                return outcome;
            }
        };
    }

    /**
     * The worker is closed while its handler (on the worker's pool) holds the job: close() must
     * return without waiting for the handler, and the handler's result, sent afterwards, must be
     * refused. The handler thread must end once the handler returns (counted with the others).
     */
    private static Call closeWhileHandlerRuns() {
        return x -> {
            CountDownLatch closed = new CountDownLatch(1);
            CompletableFuture<String> handled = new CompletableFuture<>();
            Worker w = worker(x);
            try {
                w.registerFunction("f", job -> {
                    x.rv().handlerStarted.countDown();
                    if (!Rendezvous.await(closed, LONG)) {
                        handled.complete("handler: close() waited for the handler");
                        return;
                    }
                    try {
                        job.sendWorkComplete("done");
                        handled.complete("handler: result sent after close");
                    } catch (ConnectionException e) {
                        handled.complete("handler: result refused after close");
                    }
                });
                if (!Rendezvous.await(x.rv().handlerStarted, x.timeout())) {
                    return TIMEOUT;
                }
                w.close();
                closed.countDown();
                return handled.get(x.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                w.close();
                closed.countDown();
            }
        };
    }

    /**
     * Runs {@code hostile} on a {@link SharedIoThread} that a client and a worker (handlers on the
     * shared thread) also use, against the good server, submitting one job after another all along.
     */
    private static Call shared(Call hostile) {
        return x -> {
            try (SharedIoThread io = SharedIoThread.start(SHARED_PREFIX + x.id().substring(ID_PREFIX.length()))) {
                String function = "good-" + x.id();
                Worker w = Worker.builder().clientId(x.id() + "-good-worker").ioThread(io).runHandlersOnIoThread().build();
                w.addServer("127.0.0.1", good.port());
                w.registerFunction(function, job -> job.sendWorkComplete(job.arguments()));
                Client others = Client.builder().clientId(x.id() + "-good-client").ioThread(io).build();
                others.addServer("127.0.0.1", good.port());
                others.waitForServer(LONG);
                Traffic traffic = new Traffic(others, function);
                traffic.start();
                if (!traffic.awaitFirst(LONG)) {
                    return "others never served";
                }
                long before = traffic.completed();
                long start = System.nanoTime();
                String outcome;
                try {
                    outcome = hostile.run(x.on(io));
                } catch (Exception e) {
                    outcome = outcomeOf(e);
                }
                long during = traffic.completed() - before;
                boolean longCall = System.nanoTime() - start >= SHORT.toNanos();
                traffic.stop(LONG);
                if (longCall) {
                    FEWEST_SERVED.accumulateAndGet(during, Math::min);
                }
                SERVED.merge(x.name(), during, Math::min);
                // The hostile one is closed now (its call closed it); the thread goes on for the others.
                Job after = others.submitJob(new Job(function, "after"), false, Precedence.NORMAL, LONG)
                        .waitForCompletion(LONG);
                boolean served = (during >= MIN_SERVED || !longCall) && traffic.failures() == 0 && !after.isFailure()
                        && "after".equals(after.dataAsString());
                return outcome + (served ? OTHERS_SERVED
                        : "; others stalled: " + during + " jobs during the call, " + traffic.failures() + " failed");
            } // closes the good client and worker with the thread
        };
    }

    /** One job after another from a client, each submitted when the last one ended; stops at the first failure. */
    private static final class Traffic {
        private final Client client;
        private final String function;
        private final AtomicLong completed = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        private final CompletableFuture<Void> first = new CompletableFuture<>();
        private final CompletableFuture<Void> stopped = new CompletableFuture<>();
        private volatile boolean stop;

        Traffic(Client client, String function) {
            this.client = client;
            this.function = function;
        }

        void start() {
            next();
        }

        private void next() {
            if (stop) {
                stopped.complete(null);
                return;
            }
            client.submitJobAsync(new Job(function, "t"), false, Precedence.NORMAL, LONG)
                    .thenCompose(Job::completion)
                    .whenComplete((job, e) -> {
                        if (e != null || job.isFailure()) {
                            failures.incrementAndGet();
                            stopped.complete(null);
                            return;
                        }
                        completed.incrementAndGet();
                        first.complete(null);
                        next(); // on the I/O thread: submitJobAsync does not block
                    });
        }

        boolean awaitFirst(Duration timeout) throws InterruptedException {
            try {
                first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (ExecutionException | TimeoutException e) {
                return false;
            }
        }

        long completed() {
            return completed.get();
        }

        long failures() {
            return failures.get();
        }

        /** Stops after the job in flight ends. */
        void stop(Duration timeout) throws InterruptedException {
            stop = true;
            try {
                stopped.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                failures.incrementAndGet();
            }
        }
    }

    // ------------------------------------------------------------------ running a case

    /** Runs one case; null when it ended in time with an allowed outcome, else why not. */
    private String run(Case c) {
        String id = ID_PREFIX + "-" + caseCounter.incrementAndGet();
        Rendezvous rv = new Rendezvous();
        try (FakeServer server = new FakeServer(c.server, rv)) {
            long start = System.nanoTime();
            CompletableFuture<String> call = new CompletableFuture<>();
            Thread caller = new Thread(() -> {
                try {
                    call.complete(c.call.run(new Ctx(c.name, server.port(), id, c.timeout, rv, null)));
                } catch (Throwable t) {
                    call.completeExceptionally(t);
                }
            }, ID_PREFIX + "-call-" + id);
            caller.setDaemon(true);
            caller.start();
            String outcome;
            try {
                outcome = call.get(c.bound.toMillis() + 2000, TimeUnit.MILLISECONDS); // plus close()
            } catch (ExecutionException e) {
                outcome = outcomeOf(e.getCause());
            } catch (TimeoutException e) {
                caller.interrupt();
                return c.name + ": did not end within " + c.bound + " (+2 s for close)";
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            worstMillis.accumulateAndGet(millis, Math::max);
            outcomes.computeIfAbsent(outcome.startsWith("job: result") || !outcome.startsWith("job:") ? outcome : "job: other",
                    k -> new AtomicLong()).incrementAndGet();
            if (!c.allowed.contains(outcome)) {
                return c.name + ": ended with '" + outcome + "', allowed " + c.allowed;
            }
            if (millis > c.bound.toMillis() + 2000) {
                return c.name + ": took " + millis + " ms";
            }
            return null;
        } catch (Exception e) {
            return c.name + ": harness failed: " + e;
        }
    }

    /** The word for a call that threw: the Gearman exception's simple name, else "unexpected …". */
    private static String outcomeOf(Throwable t) {
        if (t instanceof GearmanException) {
            return t.getClass().getSimpleName();
        }
        t.printStackTrace();
        return "unexpected " + t;
    }


    // ------------------------------------------------------------------ the fake server

    /** What the fake server does on each connection. */
    private interface Script {
        void serve(Peer peer) throws IOException;
    }

    /** A loopback ServerSocket that runs a script on every connection, each in its own thread. */
    private static final class FakeServer implements AutoCloseable {
        static final String THREAD_PREFIX = "fake-gearman-";
        private final ServerSocket socket;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        private final List<Thread> threads = new CopyOnWriteArrayList<>();

        FakeServer(Script script, Rendezvous rv) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
            Thread acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    Socket s;
                    try {
                        s = socket.accept();
                    } catch (IOException e) {
                        return;
                    }
                    accepted.add(s);
                    PEAK_THREADS.accumulateAndGet((int) OUR_THREADS.alive().stream()
                            .filter(x -> x.getName().startsWith("gear-")).count(), Math::max);
                    Thread t = new Thread(() -> {
                        try (Peer p = new Peer(s, rv, rv.connections.incrementAndGet())) {
                            script.serve(p);
                        } catch (IOException | RuntimeException e) {
                            // the client went away or closed on us: expected here
                        }
                    }, THREAD_PREFIX + "conn");
                    t.setDaemon(true);
                    threads.add(t);
                    t.start();
                }
            }, THREAD_PREFIX + "accept");
            acceptor.setDaemon(true);
            threads.add(acceptor);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    /** One accepted connection, read with the project's decoder (binary packets and text lines). */
    private static final class Peer implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final FrameDecoder decoder = new FrameDecoder(1 << 20, 1 << 16);
        private final ArrayDeque<Frame> frames = new ArrayDeque<>();
        private final byte[] buffer = new byte[8192];
        private final DecodeListener listener = new DecodeListener() {
            @Override
            public void onPacket(Packet packet) {
                frames.add(new Frame(packet, null));
            }

            @Override
            public void onLine(String line) {
                frames.add(new Frame(null, line));
            }

            @Override
            public void onError(DecodeError error) {
                throw new IllegalStateException("client sent bytes that do not decode: " + error);
            }
        };

        /** The case run's rendezvous with its call. */
        final Rendezvous rv;
        /** Which connection of the run this is, from 1. */
        final int index;

        Peer(Socket socket, Rendezvous rv, int index) throws IOException {
            this.socket = socket;
            this.rv = rv;
            this.index = index;
            socket.setTcpNoDelay(true);
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        /** The next frame, or null at end of stream. */
        private Frame next() throws IOException {
            while (frames.isEmpty()) {
                int n = in.read(buffer);
                if (n < 0) {
                    return null;
                }
                decoder.decode(ByteBuffer.wrap(buffer, 0, n), listener);
            }
            return frames.poll();
        }

        /** Skips frames (SET_CLIENT_ID, CAN_DO…) up to a packet of {@code type}. */
        Packet await(PacketType type) throws IOException {
            for (Frame f = next(); f != null; f = next()) {
                if (f.isPacket() && f.packet().type() == type) {
                    return f.packet();
                }
            }
            throw new IOException("client closed before sending " + type);
        }

        String awaitLine() throws IOException {
            for (Frame f = next(); f != null; f = next()) {
                if (!f.isPacket()) {
                    return f.line();
                }
            }
            throw new IOException("client closed before sending a line");
        }

        void send(Packet... packets) throws IOException {
            for (Packet p : packets) {
                out.write(p.toBinary());
            }
            out.flush();
        }

        void sendHalf(Packet packet) throws IOException {
            byte[] b = packet.toBinary();
            out.write(b, 0, b.length / 2);
            out.flush();
        }

        void sendRaw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Reads and ignores everything until the client closes: a server that never answers. */
        void drainUntilClosed() throws IOException {
            while (in.read(buffer) >= 0) {
                // ignored
            }
        }

        void fin() throws IOException {
            socket.close();
        }

        void rst() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
