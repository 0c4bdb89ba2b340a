package dev.gear.server;

import dev.gear.ConnectionException;
import dev.gear.GearmanException;
import dev.gear.GearmanTimeoutException;
import dev.gear.SslContexts;
import dev.gear.internal.server.AclPermissions;
import dev.gear.internal.server.PermissionPolicy;
import dev.gear.internal.server.QueueRecovery;
import dev.gear.internal.server.ServerAccess;
import dev.gear.internal.server.ServerConfig;
import dev.gear.internal.server.ServerCore;
import dev.gear.internal.server.ServerVersion;
import dev.gear.internal.server.StatsdReporter;
import dev.gear.internal.transport.EventLoop;
import dev.gear.internal.transport.Listener;
import dev.gear.internal.transport.NioConnection;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Gearman job server, embeddable in one line: gear's {@code Server} with gearmand's protocol
 * coverage.
 *
 * <pre>{@code
 * try (Server server = Server.builder().port(0).listenAddress("127.0.0.1").build().start()) {
 *     int port = server.port();
 *     ...
 * }
 * }</pre>
 *
 * <p>One event-loop thread owns all of the server's state; every socket uses TCP_NODELAY and
 * output is written in batches. Methods of this class are thread-safe; what they return about the
 * server's state are immutable {@linkplain #snapshot() snapshots}.
 */
public final class Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);
    private static final Duration DEFAULT_SNAPSHOT_TIMEOUT = Duration.ofSeconds(10);
    private static final String VERSION = ServerVersion.read();

    static {
        ServerAccess.install(server -> server.core);
    }

    private final ServerOptions options;
    private final ServerCore core;
    private final StatsdReporter statsd;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final List<Listener> listeners = new ArrayList<>();
    private EventLoop loop;
    private boolean closed;

    private Server(ServerOptions options) {
        this.options = options;
        this.statsd = options.statsdHost() == null ? null
                : StatsdReporter.create(options.statsdHost(), options.statsdPort(), options.statsdPrefix());
        PermissionPolicy permissions = options.acl() == null ? PermissionPolicy.ALLOW_ALL
                : new AclPermissions(options.acl());
        this.core = new ServerCore(new ServerConfig(options.maxUniqueLength(), options.workerLossPolicy(),
                options.exceptionForwarding(), options.handlePrefix(), VERSION, permissions,
                NioConnection::tlsSubject, statsd, options.adminShutdown()));
        if (statsd != null) {
            terminated.whenComplete((v, e) -> statsd.close());
        }
    }

    /** The ACL this server enforces (changes apply at once, to live connections too), if it has one. */
    public Optional<Acl> acl() {
        return Optional.ofNullable(options.acl());
    }

    /** Whether clients must connect with TLS (and a client certificate). */
    public boolean isTls() {
        return options.isTls();
    }

    /** The options this server was built with. */
    public ServerOptions options() {
        return options;
    }

    /** A builder with gear's defaults: port 4730 on every local address. */
    public static Builder builder() {
        return new Builder();
    }

    /** This library's version, which the {@code version} admin command reports. */
    public static String version() {
        return VERSION;
    }

    /**
     * Binds every listen address and starts serving. Returns once the sockets are bound, so
     * {@link #port()} is known and clients may connect.
     *
     * @return this server
     * @throws ConnectionException when an address cannot be bound (the message names it); nothing
     *                             is left running then
     * @throws IllegalStateException when already started or closed
     */
    public synchronized Server start() {
        if (closed) {
            throw new IllegalStateException("server is closed");
        }
        if (loop != null) {
            throw new IllegalStateException("server already started");
        }
        EventLoop l = new EventLoop("gear-server" + (options.serverId() == null ? "" : "-" + options.serverId()));
        l.terminated().whenComplete((v, e) -> terminated.complete(null));
        core.attach(l, new ServerLoopControl(this));
        loop = l;
        if (options.queueStore() != null) {
            try {
                QueueRecovery.restore(core, options.queueStore(), "gear-queue-store"
                        + (options.serverId() == null ? "" : "-" + options.serverId()));
            } catch (RuntimeException e) {
                abortStart();
                throw e;
            }
            terminated.whenComplete((v, e) -> core.closeStore());
        }
        try {
            listeners.addAll(ServerLoopControl.bind(l, options, core));
        } catch (ConnectionException e) {
            abortStart();
            throw e;
        }
        return this;
    }

    private void abortStart() {
        core.markStopping();
        loop.close();
        listeners.clear();
        closed = true;
    }

    /** The bound port (the real one when port 0 was asked for). */
    public synchronized int port() {
        requireStarted();
        return listeners.get(0).address().getPort();
    }

    /** Every bound address, in the order they were configured. */
    public synchronized List<InetSocketAddress> addresses() {
        requireStarted();
        List<InetSocketAddress> out = new ArrayList<>();
        listeners.forEach(l -> out.add(l.address()));
        return List.copyOf(out);
    }

    /** Whether the server was started and has not stopped yet. */
    public synchronized boolean isRunning() {
        return loop != null && !terminated.isDone();
    }

    /** The state of queues, jobs and connections, taken on the server's loop. Waits up to 10 s. */
    public ServerSnapshot snapshot() {
        return snapshot(DEFAULT_SNAPSHOT_TIMEOUT);
    }

    /**
     * The state of queues, jobs and connections, taken on the server's loop.
     *
     * @throws GearmanTimeoutException when the loop does not answer within {@code timeout}
     * @throws IllegalStateException when the server is not running
     */
    public ServerSnapshot snapshot(Duration timeout) {
        try {
            return snapshotAsync().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new GearmanTimeoutException("server snapshot not taken within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GearmanException("interrupted while waiting for a server snapshot", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("server snapshot failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** A snapshot taken on the server's loop; fails when the server is not running. */
    public CompletableFuture<ServerSnapshot> snapshotAsync() {
        EventLoop l = runningLoop();
        return l.submit(core::snapshot);
    }

    /**
     * Stops the server like the {@code shutdown} admin command. Graceful: stop accepting
     * connections and jobs, wait for running jobs to end, then stop; otherwise stop now.
     *
     * @return completes when the server has stopped
     */
    public CompletableFuture<Void> shutdown(boolean graceful) {
        EventLoop l;
        synchronized (this) {
            l = loop;
        }
        if (l != null) {
            l.execute(() -> core.shutdown(graceful));
        }
        return terminated;
    }

    /** Completes when the server has stopped, whatever stopped it (close, shutdown, admin command). */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /**
     * Stops the server now: closes every connection and listening socket and ends the loop
     * thread. When this returns (from any thread but the loop's) the ports are free again.
     * Idempotent.
     */
    @Override
    public void close() {
        EventLoop l;
        synchronized (this) {
            closed = true;
            l = loop;
        }
        if (l != null) {
            l.execute(core::markStopping);
            l.close();
        }
        terminated.complete(null);
    }

    private synchronized EventLoop runningLoop() {
        if (loop == null || terminated.isDone()) {
            throw new IllegalStateException(loop == null ? "server not started" : "server is stopped");
        }
        return loop;
    }

    private void requireStarted() {
        if (loop == null) {
            throw new IllegalStateException("server not started");
        }
    }

    @Override
    public String toString() {
        synchronized (this) {
            return "Server" + (listeners.isEmpty() ? "[not started]" : listeners.stream()
                    .map(l -> l.address().toString()).toList());
        }
    }

    /** The listeners as they are now; any thread. */
    synchronized List<Listener> listenersNow() {
        return new ArrayList<>(listeners);
    }

    /** Ends the loop (and with it every connection); loop thread. */
    void stopLoop() {
        core.markStopping();
        loop.close();
    }

    /**
     * Options of a {@link Server}. Defaults: gear's port 4730 on every local address, 64 MiB
     * packets, 8 KiB admin lines, 256 MiB of output queued per connection, unique ids up to 64
     * bytes, {@link WorkerLossPolicy#DEFAULT}, {@link ExceptionForwarding#ALL_CLIENTS}, listen
     * backlog 1024, no TCP keepalive, at most 10 000 connections, 60 s to finish a started frame.
     * {@code docs/server.md} ("Limits") lists every limit.
     */
    public static final class Builder {
        private int port = ServerDefaults.PORT;
        private final List<String> listenAddresses = new ArrayList<>();
        private long maxPacketSize = ServerDefaults.MAX_PACKET_SIZE;
        private int maxAdminLineLength = ServerDefaults.MAX_ADMIN_LINE_LENGTH;
        private long maxQueuedOutput = ServerDefaults.MAX_QUEUED_OUTPUT;
        private int maxUniqueLength = ServerDefaults.MAX_UNIQUE_LENGTH;
        private int backlog = ServerDefaults.BACKLOG;
        private int maxConnections = ServerDefaults.MAX_CONNECTIONS;
        private Duration incompleteFrameTimeout = ServerDefaults.INCOMPLETE_FRAME_TIMEOUT;
        private WorkerLossPolicy workerLossPolicy = WorkerLossPolicy.DEFAULT;
        private ExceptionForwarding exceptionForwarding = ExceptionForwarding.ALL_CLIENTS;
        private boolean keepalive;
        private Duration keepaliveIdle = ServerDefaults.KEEPALIVE_IDLE;
        private Duration keepaliveInterval = ServerDefaults.KEEPALIVE_INTERVAL;
        private int keepaliveCount = ServerDefaults.KEEPALIVE_COUNT;
        private String handlePrefix;
        private String serverId;
        private SSLContext sslContext;
        private Duration tlsHandshakeTimeout = ServerDefaults.TLS_HANDSHAKE_TIMEOUT;
        private Acl acl;
        private String statsdHost;
        private int statsdPort = StatsdReporter.DEFAULT_PORT;
        private String statsdPrefix;
        private boolean adminShutdown;
        private QueueStoreConfig queueStore;
        private boolean acceptThread = true;

        private Builder() {
        }

        /**
         * Most connections open at once (default 10 000; 0 for no limit). Beyond it a new
         * connection is accepted and closed at once, so its peer learns at once instead of waiting
         * in the backlog, and a warning is logged (at most every 10 s). Keep it below the process's
         * open-file limit ({@code ulimit -n}).
         */
        public Builder maxConnections(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxConnections must be >= 0 (0: no limit), was " + max);
            }
            this.maxConnections = max;
            return this;
        }

        /**
         * How long a peer may leave a packet or admin line unfinished (default 60 s; zero for no
         * limit): a connection that stops in the middle of a header, body or line for longer
         * is closed (slowloris). The clock restarts whenever a frame completes, so a steady stream
         * of large packets is never cut; connections idle between frames are never closed, as
         * Gearman workers and clients idle legitimately. The same bound applies to a connection the
         * server is closing whose peer does not take its last output.
         */
        public Builder incompleteFrameTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("incompleteFrameTimeout must not be negative, was " + timeout);
            }
            this.incompleteFrameTimeout = timeout;
            return this;
        }

        /**
         * Serves TLS 1.3/1.2 only, with a client certificate signed by {@code sslCa} required (gear's
         * {@code ssl_key}, {@code ssl_cert}, {@code ssl_ca}: as in gear, TLS needs all three). The
         * files are read now; see {@link dev.gear.SslContexts#fromPem} for the formats.
         *
         * @throws dev.gear.ConfigurationException naming the file when one cannot be used
         */
        public Builder tls(Path sslKey, Path sslCert, Path sslCa) {
            return tls(SslContexts.fromPem(Objects.requireNonNull(sslKey, "sslKey"),
                    Objects.requireNonNull(sslCert, "sslCert"), Objects.requireNonNull(sslCa, "sslCa")));
        }

        /**
         * Serves TLS 1.3/1.2 only with this context (its key identifies the server, its trust
         * managers judge client certificates); a client certificate is required.
         */
        public Builder tls(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /** A TLS handshake not finished within this time drops the connection (default 10 s). */
        public Builder tlsHandshakeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("tlsHandshakeTimeout must be positive, was " + timeout);
            }
            this.tlsHandshakeTimeout = timeout;
            return this;
        }

        /**
         * Enforces {@code acl} (gear's {@code acl}): deny by default, identity = the client
         * certificate's common name, so it is meant for a TLS server (on plain TCP every checked
         * action is denied). Denied CAN_DO is ignored, denied SUBMIT_* is answered with ERROR
         * {@code Permission denied by ACL}, denied {@code cancel job} with
         * {@code ERR PERMISSION_DENIED}; the {@code acl} admin commands change it at run time.
         */
        public Builder acl(Acl acl) {
            this.acl = Objects.requireNonNull(acl, "acl");
            return this;
        }

        /**
         * Sends gear's statistics to statsd at {@code host:port} under {@code prefix} (null for
         * none): per packet a timer and a counter {@code packet.<TYPE>}, and the gauges
         * {@code queue.total}, {@code queue.running}, {@code queue.waiting}. The host is
         * resolved when the server is built.
         */
        public Builder statsd(String host, int port, String prefix) {
            this.statsdHost = Objects.requireNonNull(host, "host");
            if (port <= 0 || port > 65535) {
                throw new IllegalArgumentException("statsd port must be in [1, 65535], was " + port);
            }
            this.statsdPort = port;
            this.statsdPrefix = prefix;
            return this;
        }

        /** The port to listen on; 0 picks a free one, which {@link Server#port()} reports. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in [0, 65535], was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Adds an address to listen on: a host name or an IPv4 or IPv6 literal ({@code 127.0.0.1},
         * {@code ::1}, {@code 0.0.0.0}, {@code ::}). Without any, the server listens on every local
         * address (IPv6 and IPv4).
         */
        public Builder listenAddress(String host) {
            Objects.requireNonNull(host, "host");
            if (host.isBlank()) {
                throw new IllegalArgumentException("listen address must not be blank");
            }
            listenAddresses.add(host.strip());
            return this;
        }

        /** Largest packet body accepted; larger ones close the connection before anything is allocated. */
        public Builder maxPacketSize(long bytes) {
            if (bytes < 0 || bytes > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("maxPacketSize must be in [0, 2^31-17], was " + bytes);
            }
            this.maxPacketSize = bytes;
            return this;
        }

        /** Longest admin text line accepted. */
        public Builder maxAdminLineLength(int bytes) {
            if (bytes < 16) {
                throw new IllegalArgumentException("maxAdminLineLength must be at least 16, was " + bytes);
            }
            this.maxAdminLineLength = bytes;
            return this;
        }

        /** Output queued for one peer before it is disconnected as a slow reader. */
        public Builder maxQueuedOutput(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxQueuedOutput must be at least 1024, was " + bytes);
            }
            this.maxQueuedOutput = bytes;
            return this;
        }

        /** Longest unique id accepted (gearmand: 64); longer ones get ERROR ARGUMENT_TOO_LARGE. */
        public Builder maxUniqueLength(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxUniqueLength must be >= 0, was " + bytes);
            }
            this.maxUniqueLength = bytes;
            return this;
        }

        /** Listen backlog (default 1024, so bursts of connects are not refused). */
        public Builder backlog(int backlog) {
            if (backlog < 1) {
                throw new IllegalArgumentException("backlog must be positive, was " + backlog);
            }
            this.backlog = backlog;
            return this;
        }

        /** What happens to the jobs of a worker whose connection is lost. */
        public Builder workerLossPolicy(WorkerLossPolicy policy) {
            this.workerLossPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Who receives WORK_EXCEPTION. */
        public Builder exceptionForwarding(ExceptionForwarding forwarding) {
            this.exceptionForwarding = Objects.requireNonNull(forwarding, "forwarding");
            return this;
        }

        /** Turns TCP keepalive on or off for accepted connections (gear's {@code keepalive}). */
        public Builder keepalive(boolean on) {
            this.keepalive = on;
            return this;
        }

        /** Idle time before the first keepalive probe (gear's {@code tcp_keepidle}, 7200 s). */
        public Builder keepaliveIdle(Duration idle) {
            this.keepaliveIdle = positiveSeconds(idle, "keepaliveIdle");
            return this;
        }

        /** Time between keepalive probes (gear's {@code tcp_keepintvl}, 75 s). */
        public Builder keepaliveInterval(Duration interval) {
            this.keepaliveInterval = positiveSeconds(interval, "keepaliveInterval");
            return this;
        }

        /** Unanswered probes before the connection is dropped (gear's {@code tcp_keepcnt}, 9). */
        public Builder keepaliveCount(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("keepaliveCount must be positive, was " + count);
            }
            this.keepaliveCount = count;
            return this;
        }

        /**
         * Replaces {@code H:<peer ip>} at the start of job handles (gearmand's
         * {@code --job-handle-prefix}); handles become {@code <prefix>:<n>}.
         */
        public Builder handlePrefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (prefix.isEmpty() || prefix.length() > 40 || prefix.chars().anyMatch(c -> c <= ' ' || c > '~')) {
                throw new IllegalArgumentException(
                        "handlePrefix must be 1 to 40 printable ASCII characters without spaces, was '" + prefix + "'");
            }
            this.handlePrefix = prefix;
            return this;
        }

        /** A name for this server in its thread name and logs (gear's {@code server_id}). */
        public Builder serverId(String id) {
            this.serverId = Objects.requireNonNull(id, "id");
            return this;
        }

        /**
         * The {@code shutdown} and {@code shutdown graceful} admin commands stop the server only when
         * this is on (default off: any peer that can connect could stop it otherwise; gearmand 1.1.20
         * has no such command). Under an ACL the peer also needs grant permission.
         */
        public Builder adminShutdown(boolean allowed) {
            this.adminShutdown = allowed;
            return this;
        }

        /**
         * Keeps background jobs in {@code store} ({@link QueueStores#sqlite}, {@link QueueStores#postgres}),
         * in gearmand's table layout: a background job's JOB_CREATED is sent only once its row is
         * durable, its row goes when it completes, fails for good or is cancelled, and
         * {@link Server#start()} queues every stored job again before it accepts connections.
         * Foreground jobs are not stored (as in gearmand). Default: none, everything in memory.
         */
        public Builder queueStore(QueueStoreConfig store) {
            this.queueStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Whether connections are accepted on a thread of their own (default) or by the event loop.
         * Its own thread drains the kernel's accept queue during connection storms; see
         * {@code docs/performance.md}.
         */
        public Builder acceptThread(boolean own) {
            this.acceptThread = own;
            return this;
        }

        /** A server with these options, not started yet; later changes to this builder do not reach it. */
        public Server build() {
            return new Server(options());
        }

        /** The options as they stand, as an immutable value. */
        public ServerOptions options() {
            return new ServerOptions(port, listenAddresses, maxPacketSize, maxAdminLineLength, maxQueuedOutput,
                    maxUniqueLength, backlog, maxConnections, incompleteFrameTimeout, workerLossPolicy,
                    exceptionForwarding, keepalive, keepaliveIdle, keepaliveInterval, keepaliveCount, handlePrefix,
                    serverId, sslContext, tlsHandshakeTimeout, acl, statsdHost, statsdPort, statsdPrefix,
                    adminShutdown, queueStore, acceptThread);
        }

        private static Duration positiveSeconds(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.toSeconds() < 1) {
                throw new IllegalArgumentException(what + " must be at least one second, was " + d);
            }
            return d;
        }
    }
}
