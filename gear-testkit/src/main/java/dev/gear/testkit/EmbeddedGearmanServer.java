package dev.gear.testkit;

import dev.gear.Client;
import dev.gear.Precedence;
import dev.gear.Worker;
import dev.gear.server.Acl;
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
import dev.gear.testkit.internal.KitOptions;
import dev.gear.testkit.internal.KitPeers;
import dev.gear.testkit.internal.KitReactions;
import dev.gear.testkit.internal.PlainToTlsBridge;
import dev.gear.testkit.internal.RegistrationWaits;
import dev.gear.testkit.internal.Settling;
import dev.gear.testkit.internal.RunningServer;
import dev.gear.testkit.internal.StubRules;
import dev.gear.testkit.internal.UnmatchedJobs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
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
    public static final String KIT_COMMON_NAME = KitOptions.KIT_COMMON_NAME;
    /** The CN {@link #newClient()} presents in TLS mode. */
    public static final String DEFAULT_CLIENT_CN = "client";
    /** The CN {@link #newWorker(String...)} presents in TLS mode. */
    public static final String DEFAULT_WORKER_CN = "worker";

    /** System property giving the default {@link Builder#timeoutMultiplier(double)}: {@value}. */
    public static final String TIMEOUT_MULTIPLIER_PROPERTY = KitOptions.TIMEOUT_MULTIPLIER_PROPERTY;

    private final KitOptions options;
    private final EventJournal journal;
    private final JournalWaits waits;
    private final JournalRecorder recorder;
    private final RegistrationWaits registrations;
    private final KitPeers peers;
    private final Holds holds;
    private final Settling settling;
    private final FaultPlan faults = new FaultPlan();
    private final Map<String, StubbedFunction> stubs = new ConcurrentHashMap<>();
    private final KitReactions reactions;
    private final Map<String, PlainToTlsBridge> bridges = new ConcurrentHashMap<>();
    /** The server's own ACL (a copy of the caller's plus the kit's entry); kept across restarts. */
    private final Acl acl;
    private volatile RunningServer running;
    private boolean closed;

    private EmbeddedGearmanServer(KitOptions options) {
        this.options = options;
        this.acl = options.newAcl();
        this.journal = new EventJournal(options.journalCapacity(), java.time.Clock.systemUTC());
        this.waits = new JournalWaits(journal, options.timeoutMultiplier());
        this.reactions = new KitReactions(journal, faults, options.unmatchedPolicy());
        this.recorder = new JournalRecorder(journal, reactions);
        reactions.recorder(recorder);
        this.registrations = new RegistrationWaits(waits, recorder, journal);
        this.peers = new KitPeers(options, waits, registrations);
        this.holds = new Holds(() -> running().core(), journal, waits, options.defaultTimeout());
        this.settling = new Settling(journal, waits, this::snapshot, () -> running().holding().heldHandles(),
                () -> running().join(running().kitLoop().submit(() -> null), "a round trip through the test kit's loop"));
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
     * @throws dev.gear.ConnectionException when the port cannot be bound
     * @throws IllegalStateException when already started or closed
     */
    public synchronized EmbeddedGearmanServer start() {
        if (closed) {
            throw new IllegalStateException("close() already called");
        }
        if (running != null) {
            throw new IllegalStateException("start() already called");
        }
        try {
            running = new RunningServer(options, acl, recorder, reactions, waits, journal);
        } catch (RuntimeException e) {
            closed = true;
            throw e;
        }
        return this;
    }

    /**
     * Stops the server and starts a new one on the same port: every connection drops, queued jobs
     * are gone, the journal, stubs and ACL (with its run-time changes) stay.
     *
     * <p>Clients and workers see a disconnect and reconnect in the background; until they have,
     * a submit fails with {@code NoConnectedServersException}. Call {@code waitForServer(timeout)}
     * on them after {@code restart()} before using them again.
     */
    public synchronized void restart() {
        running().restart(!stubs.isEmpty());
    }

    /** Whether {@link #start()} was called and {@link #close()} was not. */
    public synchronized boolean isRunning() {
        return running != null && !closed;
    }

    /**
     * The bound port.
     * @throws IllegalStateException before {@link #start()}
     */
    public int port() {
        return running().port();
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return new InetSocketAddress(options.host(), port());
    }

    /** The address as command-line tools take it. */
    public String connectString() {
        return options.host() + ":" + port();
    }

    /** Whether the server speaks TLS (with a required client certificate). */
    public boolean isTls() {
        return options.certificates() != null;
    }

    /**
     * The TLS material of this server: its CA, server certificate, client certificates per CN,
     * {@code SSLContext}s and PEM files for tools outside the JVM.
     * @throws IllegalStateException when the server is not in TLS mode
     */
    public TestCertificates certificates() {
        if (options.certificates() == null) {
            throw new IllegalStateException("the server is not in TLS mode; build it with tls()");
        }
        return options.certificates();
    }

    /**
     * In TLS mode, a loopback address that accepts plain TCP and forwards it to the server over
     * TLS with the client certificate of {@code commonName}: for peers without TLS, such as the
     * {@code gearman} command-line tools. The server sees a TLS connection with that subject.
     * Created on first use, closed with the server; it survives {@link #restart()}.
     *
     */
    public InetSocketAddress plainBridge(String commonName) {
        TestCertificates certs = certificates();
        return bridges.computeIfAbsent(commonName, cn -> PlainToTlsBridge.open(address(), certs.clientContext(cn), cn))
                .address();
    }

    /** The underlying server. */
    public Server server() {
        return running().server();
    }

    /** Stops the server and the test kit's connections and threads. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        bridges.values().forEach(PlainToTlsBridge::close);
        if (running != null) {
            running.close();
        }
    }

    // ------------------------------------------------------------------------------ peers

    /**
     * A {@link Client} connected to this server (waits until connected); in TLS mode it presents
     * the certificate of {@value #DEFAULT_CLIENT_CN}. The caller closes it.
     */
    public Client newClient() {
        return newClientAs(DEFAULT_CLIENT_CN);
    }

    /**
     * A {@link Client} connected to this server that, in TLS mode, presents a client certificate
     * with {@code commonName} (the identity the ACL sees); on plain TCP the name is ignored. In TLS
     * mode the client trusts only this server's test CA. The caller closes it.
     *
     */
    public Client newClientAs(String commonName) {
        Objects.requireNonNull(commonName, "commonName");
        return peers.client(port(), commonName);
    }

    /** @deprecated reads like {@link #newWorker(String...)}, which takes functions: use {@link #newClientAs(String)} */
    @Deprecated(since = "0.1.0")
    public Client newClient(String commonName) {
        return newClientAs(commonName);
    }

    /**
     * A {@link Worker} connected to this server with {@code functions} registered; returns once
     * the server has recorded the registrations, so a job submitted next finds it. In TLS mode it
     * presents the certificate of {@value #DEFAULT_WORKER_CN}; to present another CN, use
     * {@link #newWorkerAs(String, String...)}. The caller closes it.
     *
     * @throws AssertionError when the ACL denies a registration (at once, naming the denial) or the
     *     server has not recorded them within the default timeout
     */
    public Worker newWorker(String... functions) {
        return peers.defaultWorker(port(), List.of(functions));
    }

    /**
     * {@link #newWorker(String...)} presenting a client certificate with {@code commonName} in TLS
     * mode (ignored on plain TCP).
     *
     * @throws AssertionError when the ACL denies a registration or it is not recorded in time
     */
    public Worker newWorkerAs(String commonName, String... functions) {
        return peers.workerAs(port(), Objects.requireNonNull(commonName, "commonName"), List.of(functions));
    }

    /** @deprecated use {@link #newWorkerAs(String, String...)}, whose name says which argument is the CN */
    @Deprecated(since = "0.1.0")
    public Worker newWorker(String commonName, List<String> functions) {
        return newWorkerAs(commonName, functions.toArray(String[]::new));
    }

    // ------------------------------------------------------------------------------ looking

    /** The server's state now: queues per function and priority, running jobs, connections, status rows. */
    public ServerSnapshot snapshot() {
        return server().snapshot(waits.scale(options.defaultTimeout()));
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
        return options.defaultTimeout();
    }

    /**
     * What every timeout of this server's waits is multiplied by ({@link Builder#timeoutMultiplier(double)},
     * by default the system property {@value #TIMEOUT_MULTIPLIER_PROPERTY}, else 1).
     */
    public double timeoutMultiplier() {
        return options.timeoutMultiplier();
    }

    /**
     * How long a wait given {@code timeout} really waits, as failure messages say it: {@code "300 ms"},
     * or {@code "900 ms (300 ms × timeout multiplier 3)"} when the multiplier is not 1.
     */
    public String describeTimeout(Duration timeout) {
        return waits.describeScaled(Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * Waits until {@code condition} yields a value, re-checking it on every journal event (no
     * polling), for up to {@code timeout} times the multiplier; empty when it never did. For
     * custom waits and assertions that word their own failure; {@code condition} must depend only
     * on what changes together with a journal event (jobs, registrations, connections).
     */
    public <T> Optional<T> awaitCondition(Supplier<Optional<T>> condition, Duration timeout) {
        return waits.awaitOrEmpty(Objects.requireNonNull(timeout, "timeout"),
                Objects.requireNonNull(condition, "condition"));
    }

    /** Waits for a job matching {@code criteria}, with the default timeout. */
    public RecordedJob awaitJob(JobCriteria criteria) {
        return awaitJob(criteria, options.defaultTimeout());
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
        registrations.awaitWorkers(Objects.requireNonNull(function, "function"), count, timeout);
    }

    /** {@link #awaitWorkers(String, int, Duration)} with the default timeout. */
    public void awaitWorkers(String function, int count) {
        awaitWorkers(function, count, options.defaultTimeout());
    }

    /** Waits until the server holds no job (none queued, held or running). */
    public void awaitIdle(Duration timeout) {
        running();
        waits.await(timeout, () -> snapshot().jobs().isEmpty() ? Optional.of(Boolean.TRUE) : Optional.empty(),
                j -> "Jobs still held by the server:\n" + snapshot().jobs().stream()
                        .map(x -> "  " + x).collect(Collectors.joining("\n")) + "\n" + JournalWaits.seenJobs(j),
                "the server to be idle");
    }

    /** {@link #awaitIdle(Duration)} with the default timeout. */
    public void awaitIdle() {
        awaitIdle(options.defaultTimeout());
    }

    /** {@link #awaitSettled(Duration)} with the default timeout. */
    public ServerSnapshot awaitSettled() {
        return awaitSettled(options.defaultTimeout());
    }

    /**
     * Waits until nothing moves (Zuul's {@code waitUntilSettled}): no job queued that a connected worker
     * could take, none running unless a {@link StubbedFunction#willHold()} stub keeps it, no journal
     * event pending; returns the settled state, or throws an {@link AssertionError} listing what moves.
     */
    public ServerSnapshot awaitSettled(Duration timeout) {
        running();
        return settling.await(Objects.requireNonNull(timeout, "timeout"));
    }

    // ------------------------------------------------------------------------------ scripting

    /**
     * The stub for {@code function}, created on first use. It registers with the server when its
     * first rule is set ({@code willComplete(…)} and friends), and that call returns once the
     * server has the registration, so jobs submitted afterwards are answered.
     */
    public StubbedFunction stub(String function) {
        RunningServer r = running();
        Objects.requireNonNull(function, "function");
        return stubs.computeIfAbsent(function, f -> {
            StubRules rules = new StubRules(f);
            return new StubbedFunction(rules, () -> r.join(r.stubWorker().add(rules), "registering stub '" + f + "'"),
                    r.holding());
        });
    }

    /** Withdraws the stub for {@code function} (CANT_DO); queued jobs then wait for a real worker. */
    public void removeStub(String function) {
        if (stubs.remove(function) != null) {
            RunningServer r = running();
            r.join(r.stubWorker().remove(function), "removing stub '" + function + "'");
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
        RunningServer r = running();
        String handle = r.join(r.testClient().submit(function, unique, payload, precedence, background),
                "submitting a job for '" + function + "'");
        return new SubmittedJob(this, function, handle, Payload.of(payload));
    }

    /**
     * From now on, jobs matching {@code criteria} are queued but handed to no worker until the
     * returned hold releases them (see {@link JobHold}). Jobs already queued are not taken.
     */
    public JobHold holdJobs(JobCriteria criteria) {
        running();
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
        if (!running().injectFault(connection, Objects.requireNonNull(fault, "fault"))) {
            throw new IllegalArgumentException("no open connection numbered " + connection + "; open ones: "
                    + snapshot().connections().stream().map(x -> Long.toString(x.id())).collect(Collectors.joining(", ")));
        }
    }

    /**
     * Stops (false) or resumes (true) accepting connections. The port stays bound, so the
     * operating system still completes new TCP connections into the listen backlog: a connect
     * succeeds, and a client's {@code waitForServer} may return, but the server reads nothing
     * from it until accepting resumes. To make a server unreachable, {@link #close()} it.
     */
    public void setAccepting(boolean accepting) {
        running().setAccepting(accepting);
    }

    // ------------------------------------------------------------------------------ between tests

    /**
     * Makes the server as good as new without rebinding: cancels queued jobs, withdraws stubs,
     * disarms faults, resumes accepting, then clears the journal and {@link #takeJob} positions.
     * Jobs a worker is running are left to finish; connections stay open.
     */
    public synchronized void reset() {
        RunningServer r = running();
        faults.clear();
        r.setAccepting(true);
        r.holding().failUnfinished("as the server resets");
        if (!stubs.isEmpty()) {
            stubs.clear();
            r.join(r.stubWorker().removeAll(), "withdrawing stubs");
        }
        r.cancelWaitingJobs(snapshot());
        holds.closeAll(); // after the cancels: released jobs must not reach a worker
        journal.clear();
        waits.reset();
    }

    /** Jobs the unmatched policy reported (submitted when no worker or stub could take them). */
    public List<RecordedJob> unmatchedJobs() {
        return UnmatchedJobs.in(journal.snapshot());
    }

    /** Fails, listing them, when any job was reported unmatched (see {@link UnmatchedPolicy#REPORT}). */
    public void verifyNoUnmatchedJobs() {
        UnmatchedJobs.verifyNone(journal.snapshot());
    }

    @Override
    public String toString() {
        return "EmbeddedGearmanServer[" + options.name()
                + (running == null ? " not started" : " " + options.host() + ":" + running.port()) + "]";
    }

    // ------------------------------------------------------------------------------ internals

    /** The running server, or the error a call before {@link #start()} or after {@link #close()} gets. */
    private RunningServer running() {
        RunningServer r = running;
        if (r == null || closed) {
            throw new IllegalStateException(closed ? "close() already called" : "call start() first");
        }
        return r;
    }

    /**
     * Options of an {@link EmbeddedGearmanServer}. Defaults: {@code 127.0.0.1} port 0, journal cap
     * 10 000 events, 5 s default timeout times the multiplier from {@value #TIMEOUT_MULTIPLIER_PROPERTY}
     * (1 when unset), {@link UnmatchedPolicy#QUEUE}, {@link WorkerLossPolicy#DEFAULT}, plain TCP.
     *
     * <p>{@link #build()} copies what it was given: changing the builder, or the {@link Acl} passed
     * to {@code acl(...)}, afterwards changes no server already built.
     */
    public static final class Builder extends ServerSettings<Builder> {
        private Builder() {
        }

        /** A server with these options, not started yet; the builder may be changed or reused afterwards. */
        public EmbeddedGearmanServer build() {
            return new EmbeddedGearmanServer(settle());
        }
    }
}
