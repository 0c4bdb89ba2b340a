package dev.gear.testkit;

import dev.gear.Client;
import dev.gear.Precedence;
import dev.gear.Worker;
import dev.gear.internal.server.ServerAccess;
import dev.gear.internal.server.ServerCore;
import dev.gear.internal.transport.ConnectionLimits;
import dev.gear.internal.transport.EventLoop;
import dev.gear.internal.transport.NioConnection;
import dev.gear.internal.transport.SocketSettings;
import dev.gear.internal.transport.TlsSettings;
import dev.gear.server.Acl;
import dev.gear.server.AclEntry;
import dev.gear.server.JobSnapshot;
import dev.gear.server.Server;
import dev.gear.server.ServerSnapshot;
import dev.gear.server.WorkerLossPolicy;
import dev.gear.testkit.internal.EventJournal;
import dev.gear.testkit.internal.FaultPlan;
import dev.gear.testkit.internal.Holds;
import dev.gear.testkit.internal.HoldingStub;
import dev.gear.testkit.internal.JournalRecorder;
import dev.gear.testkit.internal.JournalWaits;
import dev.gear.testkit.internal.PlainToTlsBridge;
import dev.gear.testkit.internal.Settling;
import dev.gear.testkit.internal.StubRules;
import dev.gear.testkit.internal.StubWorker;
import dev.gear.testkit.internal.TestSideClient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A real Gearman server ({@link Server}) running in this JVM for tests, that tests can inspect,
 * script and break.
 *
 * <h2>Creation</h2>
 * {@code EmbeddedGearmanServer.builder()…build()}, then {@link #start()}, which binds
 * {@code 127.0.0.1} on port 0 (or the port asked for) in the calling thread: a bind error is
 * thrown right there, and once {@code start()} returns, {@link #port()} is known and peers may
 * connect. Any Gearman peer can: our {@link Client} and {@link Worker} ({@link #newClient()},
 * {@link #newWorker(String...)}), gearmand's command-line tools, Python gear.
 *
 * <h2>What a test can do</h2>
 * <ul>
 *   <li>Look: {@link #snapshot()} (queues, running jobs, workers, the admin {@code status} and
 *       {@code workers} data) and {@link #journal()} (every event, bounded).</li>
 *   <li>Wait, never sleep: {@link #awaitJob}, {@link #takeJob}, {@link #awaitWorkers},
 *       {@link #awaitIdle}; each wakes on the event that satisfies it and, on timeout, fails with
 *       an {@link AssertionError} that lists what it saw instead.</li>
 *   <li>Script: {@link #stub(String)} answers a function inside the test kit;
 *       {@link #submit(String, byte[])} submits jobs to test a worker.</li>
 *   <li>Break: {@link #onJobAssigned}, {@link #onJobCreated}, {@link #injectFault},
 *       {@link #setAccepting(boolean)}, {@link #restart()}.</li>
 * </ul>
 *
 * <h2>Scope and clean-up</h2>
 * Nothing is global: two servers in one JVM share no state, ports or threads, so tests may run in
 * parallel. {@link #reset()} clears journal, stubs, faults, holds and queues between tests without
 * rebinding; {@link #close()} frees everything. The test kit's own connections (stub worker,
 * test-side submitter) are real connections and are marked {@link Peer#stub()} in the journal.
 *
 * <h2>Thread safety</h2>
 * All methods are thread-safe. Events are recorded on the server's loop thread.
 *
 * @since 0.1
 */
public final class EmbeddedGearmanServer implements AutoCloseable {
    /**
     * The certificate CN of the test kit's own connections (stub worker, test-side submitter) in TLS
     * mode. With an ACL, the kit adds an entry for it that may register and invoke everything.
     */
    public static final String KIT_COMMON_NAME = "gear-testkit";
    /** The CN {@link #newClient()} presents in TLS mode. */
    public static final String DEFAULT_CLIENT_CN = "client";
    /** The CN {@link #newWorker(String...)} presents in TLS mode. */
    public static final String DEFAULT_WORKER_CN = "worker";

    /** System property giving the default {@link Builder#timeoutMultiplier(double)}: {@value}. */
    public static final String TIMEOUT_MULTIPLIER_PROPERTY = "gear.testkit.timeout.multiplier";

    private final Builder options;
    private final EventJournal journal;
    private final JournalWaits waits;
    private final JournalRecorder recorder;
    private final Holds holds;
    private final Settling settling;
    private final FaultPlan faults = new FaultPlan();
    private final Map<String, StubbedFunction> stubs = new ConcurrentHashMap<>();
    private final Reactions reactions = new Reactions();
    private final Map<String, PlainToTlsBridge> bridges = new ConcurrentHashMap<>();
    private EventLoop kitLoop;
    private StubWorker stubWorker;
    private HoldingStub holding;
    private TestSideClient testClient;
    private volatile Server server;
    private volatile ServerCore core;
    private int port = -1;
    private boolean closed;

    private EmbeddedGearmanServer(Builder options) {
        this.options = options;
        this.journal = new EventJournal(options.journalCapacity, Clock.systemUTC());
        this.waits = new JournalWaits(journal, options.timeoutMultiplier);
        this.recorder = new JournalRecorder(journal, reactions);
        this.holds = new Holds(() -> core, journal, waits, options.defaultTimeout);
        this.settling = new Settling(journal, waits, this::snapshot, () -> holding.heldHandles(),
                () -> join(kitLoop.submit(() -> null), "a round trip through the test kit's loop"));
    }

    /** A builder with the defaults: port 0, journal cap 10 000, 5 s default timeout, unmatched jobs queue. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds and starts a server with the defaults. */
    public static EmbeddedGearmanServer started() {
        return builder().build().start();
    }

    // ------------------------------------------------------------------------------ lifecycle

    /**
     * Binds and starts serving; returns once peers may connect.
     *
     * @throws dev.gear.ConnectionException when the port cannot be bound
     * @throws IllegalStateException when already started or closed
     */
    public synchronized EmbeddedGearmanServer start() {
        if (closed) {
            throw new IllegalStateException("close() already called");
        }
        if (server != null) {
            throw new IllegalStateException("start() already called");
        }
        kitLoop = new EventLoop("gear-testkit-" + options.name);
        StubWorker.Connector connector = this::connectKit;
        stubWorker = new StubWorker(kitLoop, connector, reactions::stubUnmatched);
        holding = new HoldingStub(stubWorker, journal, waits, options.defaultTimeout);
        stubWorker.holdWith(holding);
        testClient = new TestSideClient(kitLoop, connector);
        try {
            startServer(options.port);
        } catch (RuntimeException e) {
            kitLoop.close();
            closed = true;
            throw e;
        }
        return this;
    }

    private void startServer(int onPort) {
        Server.Builder b = Server.builder().listenAddress(options.host).port(onPort)
                .workerLossPolicy(options.workerLossPolicy).serverId("testkit-" + options.name)
                .adminShutdown(true); // tests may drive a client through a server that an admin stops
        if (options.certificates != null) {
            b.tls(options.certificates.serverContext());
        }
        if (options.acl != null) {
            if (options.acl.getEntry(KIT_COMMON_NAME).isEmpty()) {
                options.acl.add(new AclEntry(KIT_COMMON_NAME, ".*", ".*", false));
            }
            b.acl(options.acl);
        }
        Server s = b.build();
        ServerCore c = ServerAccess.core(s);
        c.addEventListener(recorder);
        s.start();
        server = s;
        core = c;
        port = s.port();
    }

    /**
     * Stops the server and starts a new one on the same port: every connection drops (clients and
     * workers see a disconnect and may reconnect), queued jobs are gone, the journal and stubs stay.
     */
    public synchronized void restart() {
        requireStarted();
        join(stubWorker.disconnect(), "stub worker disconnect");
        holding.forget(); // the server treats them as a lost worker's jobs
        join(testClient.disconnect(), "test client disconnect");
        server.close();
        recorder.forgetConnections();
        startServer(port);
        if (!stubs.isEmpty()) {
            join(stubWorker.reconnect(), "stub worker reconnect");
        }
    }

    /** Whether {@link #start()} was called and {@link #close()} was not. */
    public synchronized boolean isRunning() {
        return server != null && !closed;
    }

    /** The bound port. */
    public synchronized int port() {
        requireStarted();
        return port;
    }

    /** The bound address ({@code 127.0.0.1:port}). */
    public InetSocketAddress address() {
        return new InetSocketAddress(options.host, port());
    }

    /** {@code host:port}, as command-line tools take it. */
    public String connectString() {
        return options.host + ":" + port();
    }

    /** Whether the server speaks TLS (with a required client certificate). */
    public boolean isTls() {
        return options.certificates != null;
    }

    /**
     * The TLS material of this server: its CA, server certificate, client certificates per CN,
     * {@code SSLContext}s and PEM files for tools outside the JVM.
     *
     * @throws IllegalStateException when the server is not in TLS mode
     */
    public TestCertificates certificates() {
        if (options.certificates == null) {
            throw new IllegalStateException("the server is not in TLS mode; build it with tls()");
        }
        return options.certificates;
    }

    /**
     * In TLS mode, a loopback address that accepts plain TCP and forwards it to the server over
     * TLS with the client certificate of {@code commonName}: for peers without TLS, such as the
     * {@code gearman} command-line tools. The server sees a TLS connection with that subject.
     * Created on first use, closed with the server; it survives {@link #restart()}.
     */
    public InetSocketAddress plainBridge(String commonName) {
        requireStarted();
        TestCertificates certs = certificates();
        return bridges.computeIfAbsent(commonName, cn -> {
            try {
                return new PlainToTlsBridge(new InetSocketAddress(options.host, port), certs.clientContext(cn), cn);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot open a plain-to-TLS bridge for CN=" + cn, e);
            }
        }).address();
    }

    /** The underlying server. */
    public Server server() {
        requireStarted();
        return server;
    }

    /** Stops the server and the test kit's connections and threads. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        bridges.values().forEach(PlainToTlsBridge::close);
        if (server != null) {
            holding.failUnfinished("as the server closes");
            server.close();
        }
        if (kitLoop != null) {
            kitLoop.close();
        }
    }

    // ------------------------------------------------------------------------------ peers

    /**
     * A {@link Client} connected to this server (waits until connected); in TLS mode it presents
     * the certificate of {@value #DEFAULT_CLIENT_CN}. The caller closes it.
     */
    public Client newClient() {
        return newClient(DEFAULT_CLIENT_CN);
    }

    /**
     * A {@link Client} connected to this server; in TLS mode it presents a client certificate with
     * {@code commonName} (the identity the ACL sees). On plain TCP the name is ignored.
     *
     * <p>In TLS mode the client speaks TLS itself, trusting only this server's test CA.
     */
    public Client newClient(String commonName) {
        Objects.requireNonNull(commonName, "commonName");
        Client c = Client.builder().build();
        if (isTls()) {
            c.addServer(options.host, port(), options.certificates.clientContext(commonName));
        } else {
            c.addServer(options.host, port());
        }
        c.waitForServer(waits.scale(options.defaultTimeout));
        return c;
    }

    /**
     * A {@link Worker} connected to this server with {@code functions} registered, and returns once
     * the server has recorded the registrations, so a job submitted next finds it.
     */
    public Worker newWorker(String... functions) {
        return newWorker(DEFAULT_WORKER_CN, List.of(functions));
    }

    /**
     * {@link #newWorker(String...)} presenting a client certificate with {@code commonName} in
     * TLS mode (ignored on plain TCP).
     */
    public Worker newWorker(String commonName, List<String> functions) {
        Objects.requireNonNull(commonName, "commonName");
        Worker w = Worker.builder().build();
        if (isTls()) {
            w.addServer(options.host, port(), options.certificates.clientContext(commonName));
        } else {
            w.addServer(options.host, port());
        }
        w.waitForServer(waits.scale(options.defaultTimeout));
        Map<String, Integer> before = new java.util.HashMap<>();
        for (String f : functions) {
            before.putIfAbsent(f, recorder.workerCount(f));
        }
        for (String f : functions) {
            w.registerFunction(f);
        }
        for (String f : functions) {
            awaitWorkers(f, before.get(f) + 1, options.defaultTimeout);
        }
        return w;
    }

    // ------------------------------------------------------------------------------ looking

    /** The server's state now: queues per function and priority, running jobs, connections, status rows. */
    public ServerSnapshot snapshot() {
        requireStarted();
        return server.snapshot(waits.scale(options.defaultTimeout));
    }

    /** The journal now (an immutable copy). */
    public Journal journal() {
        return journal.snapshot();
    }

    /** The journal as readable text, payloads as text when printable else hex; for failure reports. */
    public String dumpJournal() {
        return journal.snapshot().dump();
    }

    /** The journal as readable text, payloads rendered as {@code format} says. */
    public String dumpJournal(PayloadFormat format) {
        return journal.snapshot().dump(format);
    }

    // ------------------------------------------------------------------------------ waiting

    /** The default timeout of the methods without one (before the multiplier). */
    public Duration defaultTimeout() {
        return options.defaultTimeout;
    }

    /** Waits for a job matching {@code criteria}, with the default timeout. */
    public RecordedJob awaitJob(JobCriteria criteria) {
        return awaitJob(criteria, options.defaultTimeout);
    }

    /**
     * Waits until the journal shows a job matching {@code criteria} and returns it.
     *
     * @throws AssertionError on timeout, naming the closest job and listing all it saw
     */
    public RecordedJob awaitJob(JobCriteria criteria, Duration timeout) {
        return waits.awaitJob(Objects.requireNonNull(criteria, "criteria"), timeout);
    }

    /**
     * Waits until the journal holds an event of {@code kind} that satisfies {@code condition}, and
     * returns the oldest such event.
     *
     * @throws AssertionError on timeout, listing the events of that kind it saw
     */
    public <T extends JournalEvent> T awaitEvent(Class<T> kind, Predicate<? super T> condition, Duration timeout) {
        return waits.awaitEvent(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(condition, "condition"),
                timeout);
    }

    /** Waits until a job of {@code function} has ended (any way) and returns it. */
    public RecordedJob awaitFinished(String function, Duration timeout) {
        return awaitJob(JobCriteria.function(function).finished(), timeout);
    }

    /**
     * Returns the next job submitted for {@code function} that this method has not returned yet,
     * waiting for it if needed (OkHttp's {@code takeRequest}).
     */
    public RecordedJob takeJob(String function, Duration timeout) {
        return waits.takeJob(function, timeout);
    }

    /**
     * Returns the next connection a peer opened (the test kit's own are skipped) that this method
     * has not returned yet, waiting for it if needed; its {@link Peer#connection()} is what
     * {@link #injectFault(long, GearFault)} takes.
     */
    public Peer takeConnection(Duration timeout) {
        return waits.takeConnection(timeout, p -> p.stub() || recorder.isKitAddress(p.address()));
    }

    /** Waits until at least {@code count} connections (stubs included) have registered {@code function}. */
    public void awaitWorkers(String function, int count, Duration timeout) {
        waits.await(timeout,
                () -> recorder.workerCount(function) >= count ? Optional.of(Boolean.TRUE) : Optional.empty(),
                j -> "Now registered for '" + function + "': " + recorder.workerCount(function)
                        + "; per function: " + recorder.workerCounts() + "\n"
                        + j.events(JournalEvent.CanDo.class).size() + " CAN_DO and "
                        + j.events(JournalEvent.CantDo.class).size() + " CANT_DO event(s) in the journal",
                count + " worker(s) registered for '" + function + "'");
    }

    /** {@link #awaitWorkers(String, int, Duration)} with the default timeout. */
    public void awaitWorkers(String function, int count) {
        awaitWorkers(function, count, options.defaultTimeout);
    }

    /** Waits until the server holds no job (none queued, held or running). */
    public void awaitIdle(Duration timeout) {
        requireStarted();
        waits.await(timeout, () -> server.snapshot(waits.scale(options.defaultTimeout)).jobs().isEmpty()
                        ? Optional.of(Boolean.TRUE) : Optional.empty(),
                j -> "Jobs still held by the server:\n" + server.snapshot().jobs().stream()
                        .map(x -> "  " + x).collect(Collectors.joining("\n")) + "\n" + JournalWaits.seenJobs(j),
                "the server to be idle");
    }

    /** {@link #awaitIdle(Duration)} with the default timeout. */
    public void awaitIdle() {
        awaitIdle(options.defaultTimeout);
    }

    /** {@link #awaitSettled(Duration)} with the default timeout. */
    public ServerSnapshot awaitSettled() {
        return awaitSettled(options.defaultTimeout);
    }

    /**
     * Waits until nothing moves (Zuul's {@code waitUntilSettled}): no job queued that a connected worker
     * could take, none running unless a {@link StubbedFunction#willHold()} stub keeps it, no journal
     * event pending; returns the settled state, or throws an {@link AssertionError} listing what moves.
     */
    public ServerSnapshot awaitSettled(Duration timeout) {
        requireStarted();
        return settling.await(Objects.requireNonNull(timeout, "timeout"));
    }

    // ------------------------------------------------------------------------------ scripting

    /**
     * The stub for {@code function}, created on first use. It registers with the server when its
     * first rule is set ({@code willComplete(…)} and friends), and that call returns once the
     * server has the registration, so jobs submitted afterwards are answered.
     */
    public StubbedFunction stub(String function) {
        requireStarted();
        Objects.requireNonNull(function, "function");
        StubbedFunction existing = stubs.get(function);
        if (existing != null) {
            return existing;
        }
        StubRules rules = new StubRules(function);
        StubbedFunction created = new StubbedFunction(rules,
                () -> join(stubWorker.add(rules), "registering stub '" + function + "'"), holding);
        StubbedFunction raced = stubs.putIfAbsent(function, created);
        return raced != null ? raced : created;
    }

    /** Withdraws the stub for {@code function} (CANT_DO); queued jobs then wait for a real worker. */
    public void removeStub(String function) {
        if (stubs.remove(function) != null) {
            join(stubWorker.remove(function), "removing stub '" + function + "'");
        }
    }

    /** Submits a foreground job of normal priority from the test side; returns once it is created. */
    public SubmittedJob submit(String function, byte[] payload) {
        return submit(function, payload, "", Precedence.NORMAL, false);
    }

    /** {@link #submit(String, byte[])} with a UTF-8 payload. */
    public SubmittedJob submit(String function, String payload) {
        return submit(function, payload.getBytes(StandardCharsets.UTF_8));
    }

    /** Submits a job from the test side with every option; returns once the server answered JOB_CREATED. */
    public SubmittedJob submit(String function, byte[] payload, String unique, Precedence precedence,
            boolean background) {
        requireStarted();
        String handle = join(testClient.submit(function, unique, payload, precedence, background),
                "submitting a job for '" + function + "'");
        return new SubmittedJob(this, function, handle);
    }

    /**
     * From now on, jobs matching {@code criteria} are queued but handed to no worker until the
     * returned hold releases them (see {@link JobHold}). Jobs already queued are not taken.
     */
    public JobHold holdJobs(JobCriteria criteria) {
        requireStarted();
        return new JobHold(holds.open(Objects.requireNonNull(criteria, "criteria")), criteria);
    }

    // ------------------------------------------------------------------------------ breaking

    /** The next time a job of {@code function} is assigned, applies {@code fault} to that worker. */
    public void onJobAssigned(String function, GearFault fault) {
        onJobAssigned(function, fault, 1);
    }

    /** The next {@code times} times a job of {@code function} is assigned, applies {@code fault} to the worker. */
    public void onJobAssigned(String function, GearFault fault, int times) {
        faults.arm(FaultPlan.Point.JOB_ASSIGNED, function, Objects.requireNonNull(fault, "fault"), times);
    }

    /** The next time a job of {@code function} is created, applies {@code fault} to the submitting client. */
    public void onJobCreated(String function, GearFault fault) {
        onJobCreated(function, fault, 1);
    }

    /** The next {@code times} times a job of {@code function} is created, applies {@code fault} to its client. */
    public void onJobCreated(String function, GearFault fault, int times) {
        faults.arm(FaultPlan.Point.JOB_CREATED, function, Objects.requireNonNull(fault, "fault"), times);
    }

    /**
     * Applies {@code fault} now to the connection numbered {@code connection} (see {@link Peer#connection()}).
     *
     * @throws IllegalArgumentException when no such connection is open
     */
    public void injectFault(long connection, GearFault fault) {
        requireStarted();
        ServerCore c = core;
        Boolean found = join(c.loop().submit(() -> {
            NioConnection nio = c.connection(connection);
            if (nio == null) {
                return false;
            }
            reactions.fire(fault, nio, connection);
            return true;
        }), "injecting a fault");
        if (!found) {
            throw new IllegalArgumentException("no open connection numbered " + connection
                    + "; open ones: " + snapshot().connections().stream().map(x -> Long.toString(x.id()))
                            .collect(Collectors.joining(", ")));
        }
    }

    /** Stops (false) or resumes (true) accepting connections; the port stays bound, connects wait in the backlog. */
    public void setAccepting(boolean accepting) {
        requireStarted();
        ServerCore c = core;
        join(c.loop().submit(() -> {
            c.setAccepting(accepting);
            return null;
        }), "changing accept state");
    }

    // ------------------------------------------------------------------------------ between tests

    /**
     * Makes the server as good as new without rebinding: cancels queued jobs, withdraws stubs,
     * disarms faults, resumes accepting, then clears the journal and {@link #takeJob} positions.
     * Jobs a worker is running are left to finish; connections stay open.
     */
    public synchronized void reset() {
        requireStarted();
        faults.clear();
        setAccepting(true);
        holding.failUnfinished("as the server resets");
        if (!stubs.isEmpty()) {
            stubs.clear();
            join(stubWorker.removeAll(), "withdrawing stubs");
        }
        for (JobSnapshot job : snapshot().jobs()) {
            if (job.state() != JobSnapshot.State.RUNNING) {
                join(testClient.admin("cancel job " + job.handle()), "cancelling " + job.handle());
            }
        }
        holds.closeAll(); // after the cancels: released jobs must not reach a worker
        journal.clear();
        waits.reset();
    }

    /** Jobs the unmatched policy reported (submitted when no worker or stub could take them). */
    public List<RecordedJob> unmatchedJobs() {
        Journal j = journal.snapshot();
        List<String> handles = j.events(JournalEvent.JobUnmatched.class).stream().map(JournalEvent.JobUnmatched::handle)
                .collect(Collectors.toList());
        List<RecordedJob> out = new ArrayList<>();
        for (RecordedJob job : j.jobs()) {
            if (handles.contains(job.handle())) {
                out.add(job);
            }
        }
        return out;
    }

    /** Fails, listing them, when any job was reported unmatched (see {@link UnmatchedPolicy#REPORT}). */
    public void verifyNoUnmatchedJobs() {
        List<RecordedJob> unmatched = unmatchedJobs();
        if (!unmatched.isEmpty()) {
            throw new AssertionError("Expected every job to find a worker or stub, but " + unmatched.size()
                    + " did not:\n" + unmatched.stream().map(j -> "  " + j).collect(Collectors.joining("\n")));
        }
    }

    @Override
    public String toString() {
        return "EmbeddedGearmanServer[" + options.name + (port < 0 ? " not started" : " " + options.host + ":" + port)
                + "]";
    }

    // ------------------------------------------------------------------------------ internals

    private CompletableFuture<NioConnection> connectKit(dev.gear.internal.transport.ConnectionHandler handler) {
        ServerCore c = core;
        // Mark the connection as the test kit's on the server's loop before it sends anything, so
        // every event after ConnectionOpened names it as the test kit's.
        TlsSettings tls = options.certificates == null ? null
                : TlsSettings.of(options.certificates.clientContext(KIT_COMMON_NAME));
        return kitLoop.connect(new InetSocketAddress(options.host, port), waits.scale(options.defaultTimeout),
                SocketSettings.DEFAULTS, ConnectionLimits.DEFAULTS, tls, handler)
                .thenCompose(nio -> c.loop().submit(() -> {
                    recorder.markStub(nio.localAddress());
                    return nio;
                }));
    }

    private void requireStarted() {
        if (server == null) {
            throw new IllegalStateException(closed ? "close() already called" : "call start() first");
        }
    }

    private <T> T join(CompletableFuture<T> future, String what) {
        Duration timeout = waits.scale(options.defaultTimeout);
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not finish " + waits.describeTimeout(options.defaultTimeout), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(what + " failed: " + cause, cause);
        }
    }

    /** Reactions to events on the server's loop thread: faults, unmatched policy. */
    private final class Reactions implements JournalRecorder.Reactions {
        @Override
        public void jobSubmitted(JournalEvent.JobSubmitted e, boolean anyWorker) {
            faults.take(FaultPlan.Point.JOB_CREATED, e.function())
                    .ifPresent(f -> fireOn(f, e.submitter().connection()));
            if (!anyWorker) {
                switch (options.unmatchedPolicy) {
                    case FAIL_FAST -> stubWorker.failFast(e.function());
                    case REPORT -> journal.append((seq, t) -> new JournalEvent.JobUnmatched(seq, t, e.handle(),
                            e.function()));
                    case QUEUE -> {
                    }
                }
            }
        }

        @Override
        public void jobAssigned(JournalEvent.JobAssigned e) {
            faults.take(FaultPlan.Point.JOB_ASSIGNED, e.function()).ifPresent(f -> fireOn(f, e.worker().connection()));
        }

        void stubUnmatched(String handle, String function) {
            journal.append((seq, t) -> new JournalEvent.JobUnmatched(seq, t, handle, function));
        }

        private void fireOn(GearFault fault, long connection) {
            NioConnection nio = core.connection(connection);
            if (nio != null) {
                fire(fault, nio, connection);
            }
        }

        void fire(GearFault fault, NioConnection nio, long connection) {
            // Recorded before it is applied, so the event's time bounds the fault's effects from below.
            Peer target = recorder.peer(connection, nio.remoteAddress());
            journal.append((seq, t) -> new JournalEvent.FaultInjected(seq, t, target, FaultPlan.describe(fault)));
            FaultPlan.apply(fault, nio);
        }
    }

    /**
     * Options of an {@link EmbeddedGearmanServer}. Defaults: {@code 127.0.0.1} port 0, journal cap
     * 10 000 events, 5 s default timeout times the multiplier from {@value #TIMEOUT_MULTIPLIER_PROPERTY}
     * (1 when unset), {@link UnmatchedPolicy#QUEUE}, {@link WorkerLossPolicy#DEFAULT}.
     */
    public static final class Builder {
        private String host = InetAddress.getLoopbackAddress().getHostAddress();
        private int port;
        private int journalCapacity = 10_000;
        private Duration defaultTimeout = Duration.ofSeconds(5);
        private double timeoutMultiplier = defaultMultiplier();
        private UnmatchedPolicy unmatchedPolicy = UnmatchedPolicy.QUEUE;
        private WorkerLossPolicy workerLossPolicy = WorkerLossPolicy.DEFAULT;
        private String name = Integer.toHexString(System.identityHashCode(this));
        private TestCertificates certificates;
        private Acl acl;

        private Builder() {
        }

        /**
         * A fixed port instead of port 0. Tests should keep port 0: a fixed port collides with
         * parallel builds; this is for reproducing a setup that needs one.
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** How many events the journal keeps before dropping the oldest. */
        public Builder journalCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("journal capacity must be at least 1, was " + capacity);
            }
            this.journalCapacity = capacity;
            return this;
        }

        /** The timeout of waits that take none, before the multiplier. */
        public Builder defaultTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("default timeout must be positive, was " + timeout);
            }
            this.defaultTimeout = timeout;
            return this;
        }

        /** Multiplies every timeout, for slow CI machines. Default from {@value #TIMEOUT_MULTIPLIER_PROPERTY}. */
        public Builder timeoutMultiplier(double multiplier) {
            if (!(multiplier > 0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("timeout multiplier must be a positive number, was " + multiplier);
            }
            this.timeoutMultiplier = multiplier;
            return this;
        }

        /** What happens to jobs no worker or stub can take when submitted. */
        public Builder unmatchedPolicy(UnmatchedPolicy policy) {
            this.unmatchedPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** What the server does with a lost worker's jobs. */
        public Builder workerLossPolicy(WorkerLossPolicy policy) {
            this.workerLossPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * TLS with a required client certificate, using the JVM-wide {@link TestCertificates#get()}
         * (generated once, ECDSA P-256). Clients are identified by their certificate's CN.
         */
        public Builder tls() {
            return tls(TestCertificates.get());
        }

        /** TLS with a required client certificate, using {@code certificates}. */
        public Builder tls(TestCertificates certificates) {
            this.certificates = Objects.requireNonNull(certificates, "certificates");
            return this;
        }

        /**
         * Enforces {@code acl} (deny by default; identity = client certificate CN, so use with
         * {@link #tls()}). The kit adds an entry for {@value EmbeddedGearmanServer#KIT_COMMON_NAME}
         * so its stubs and submissions keep working; the ACL stays mutable at run time.
         */
        public Builder acl(Acl acl) {
            this.acl = Objects.requireNonNull(acl, "acl");
            return this;
        }

        /** A name for threads and messages (default: a hex id). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        public EmbeddedGearmanServer build() {
            if (acl != null && certificates == null) {
                throw new IllegalStateException("an ACL identifies peers by their TLS client certificate: "
                        + "call tls() as well as acl(...)");
            }
            return new EmbeddedGearmanServer(this);
        }

        private static double defaultMultiplier() {
            String v = System.getProperty(TIMEOUT_MULTIPLIER_PROPERTY);
            if (v == null || v.isBlank()) {
                return 1.0;
            }
            try {
                double d = Double.parseDouble(v.trim());
                if (d > 0 && !Double.isInfinite(d)) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
            throw new IllegalArgumentException("system property " + TIMEOUT_MULTIPLIER_PROPERTY
                    + " must be a positive number, was '" + v + "'");
        }
    }
}
