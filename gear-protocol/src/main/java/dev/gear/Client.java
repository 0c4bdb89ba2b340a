package dev.gear;

import javax.net.ssl.SSLContext;

import java.nio.file.Path;

import dev.gear.internal.client.Await;
import dev.gear.internal.client.ClientCore;
import dev.gear.internal.client.ClientEvents;
import dev.gear.internal.client.Connector;
import dev.gear.internal.client.JobState;
import dev.gear.internal.client.PoolSettings;
import dev.gear.internal.client.ServerConnection;
import dev.gear.internal.client.ServerPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.nio.charset.StandardCharsets;

/**
 * A Gearman client (gear's {@code Client}): submits jobs to one or more servers and follows them.
 *
 * <pre>{@code
 * try (Client client = new Client("my-client")) {
 *     client.addServer("127.0.0.1", 4730);
 *     client.waitForServer(Duration.ofSeconds(10));
 *     Job job = client.submitJob(new Job("reverse", "hello"));
 *     job.waitForCompletion(Duration.ofSeconds(30));
 *     System.out.println(job.dataAsString());
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> One I/O thread per client drives all its connections. Every public method is
 * thread-safe; any number of threads may submit at once, and each job gets its own handle and
 * results: the request that each reply answers is recorded on the I/O thread in the order the
 * packets are written. The {@code handle…} hooks, {@link ClientListener}s and non-async stages of
 * the returned futures run on the I/O thread and must not block.
 *
 * <p><b>Servers.</b> {@link #addServer} connects in the background and reconnects after a drop,
 * with exponential backoff. Jobs go round-robin to the servers connected at the time; a server
 * that is down is skipped. Jobs in flight on a connection that drops end as failed (see
 * {@link Job}), unless {@link Builder#failJobsOnDisconnect(boolean)} says otherwise.
 *
 * <p><b>Timeouts.</b> No call waits for a server forever: variants without a timeout use
 * {@link Builder#requestTimeout(Duration)} (30 s by default).
 */
public class Client implements AutoCloseable {
    private final ClientCore core;
    private final ServerPool pool;
    private final List<ClientListener> listeners;
    private final Connector plainConnector;

    /** A client with id {@code unknown} (gear's default). */
    public Client() {
        this(builder());
    }

    /** A client with the given id (sent with SET_CLIENT_ID, shown by the {@code workers} command). */
    public Client(String clientId) {
        this(builder().clientId(clientId));
    }

    /** For subclasses that override the {@code handle…} hooks: {@code super(Client.builder()...)}. */
    protected Client(Builder builder) {
        this.listeners = List.copyOf(builder.listeners);
        PoolSettings settings = builder.settings();
        this.plainConnector = Connector.plain(settings.socketSettings(), settings.limits());
        this.core = new ClientCore("gear-client-" + settings.clientId(), settings, new Events(), builder.failJobsOnDisconnect);
        this.pool = core.pool();
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- servers ---------------------------------------------------------------------------

    /** Adds a server on the default port 4730. */
    public void addServer(String host) {
        addServer(host, 4730);
    }

    /**
     * Adds a server; returns at once and connects in the background (then reconnects as needed).
     *
     * @throws ConfigurationException when this host and port were already added
     */
    public void addServer(String host, int port) {
        pool.addServer(host, port, plainConnector);
    }

    /**
     * Adds a server reached over TLS, with gear's three PEM files (gear's {@code ssl_key},
     * {@code ssl_cert}, {@code ssl_ca}): as in gear, TLS is used when all three are given, and plain
     * TCP when all three are null. See {@link SslContexts#fromPem} for the formats.
     *
     * @throws ConfigurationException when only some are given, a file cannot be used (the message
     *         names it), or this host and port were already added
     */
    public void addServer(String host, int port, Path sslKey, Path sslCert, Path sslCa) {
        if (sslKey == null && sslCert == null && sslCa == null) {
            addServer(host, port);
            return;
        }
        if (sslKey == null || sslCert == null || sslCa == null) {
            throw new ConfigurationException("TLS needs all three of sslKey, sslCert and sslCa; got key=" + sslKey
                    + ", cert=" + sslCert + ", ca=" + sslCa);
        }
        addServer(host, port, SslContexts.fromPem(sslKey, sslCert, sslCa));
    }

    /**
     * Adds a server reached over TLS 1.3/1.2 with {@code context}: its key and certificate identify
     * this side (the server's ACL sees the certificate's CN), its trust managers judge the server.
     *
     * @throws ConfigurationException when this host and port were already added
     */
    public void addServer(String host, int port, SSLContext context) {
        pool.addServer(host, port, Connector.tls(pool.settings().socketSettings(), pool.settings().limits(),
                java.util.Objects.requireNonNull(context, "context")));
    }

    /** Waits until at least one server is connected, up to the default request timeout. */
    public void waitForServer() {
        waitForServer(pool.settings().requestTimeout());
    }

    /**
     * Waits until at least one server is connected. Returns at once after {@link #shutdown()}.
     *
     * @throws GearmanTimeoutException when none is connected within {@code timeout}
     */
    public void waitForServer(Duration timeout) {
        pool.waitForServer(timeout);
    }

    /**
     * A connected server, rotating between calls (gear's {@code getConnection}); use it for admin
     * requests and echo.
     *
     * @throws NoConnectedServersException when no server is connected
     */
    public Connection getConnection() {
        return new Connection(pool.anyConnected());
    }

    /** Every configured server, connected or not. */
    public List<Connection> getConnections() {
        List<Connection> out = new ArrayList<>();
        for (ServerConnection s : pool.servers()) {
            out.add(new Connection(s));
        }
        return out;
    }

    // ---- jobs ------------------------------------------------------------------------------

    /** Submits a foreground job with normal precedence; see {@link #submitJob(Job, boolean, Precedence, Duration)}. */
    public Job submitJob(Job job) {
        return submitJob(job, false, Precedence.NORMAL, pool.settings().requestTimeout());
    }

    /**
     * Submits a job and waits for the server's JOB_CREATED. The results then arrive on the
     * {@link Job} ({@link Job#completion()}, {@link Job#waitForCompletion(Duration)}).
     *
     * @param background whether the server should run it without reporting back
     * @param precedence HIGH, NORMAL or LOW
     * @param timeout    how long to wait for JOB_CREATED
     * @return {@code job}, now with its handle
     * @throws GearmanErrorException       when the server answered ERROR (code and text kept)
     * @throws NoConnectedServersException when no server is connected
     * @throws GearmanTimeoutException     when JOB_CREATED did not come within {@code timeout}
     * @throws ConnectionException         when the connection dropped before JOB_CREATED
     * @throws IllegalStateException       when the job was already submitted
     */
    public Job submitJob(Job job, boolean background, Precedence precedence, Duration timeout) {
        return Await.result(submitJobAsync(job, background, precedence, timeout), timeout, "submitting " + job.name());
    }

    public CompletableFuture<Job> submitJobAsync(Job job) {
        return submitJobAsync(job, false, Precedence.NORMAL, pool.settings().requestTimeout());
    }

    /**
     * Submits without blocking. The future completes with the job once JOB_CREATED arrived, or
     * fails with the exceptions {@link #submitJob(Job, boolean, Precedence, Duration)} throws
     * (an already-submitted job is thrown at once). Non-async stages run on the I/O thread.
     */
    public CompletableFuture<Job> submitJobAsync(Job job, boolean background, Precedence precedence, Duration timeout) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(precedence, "precedence");
        Objects.requireNonNull(timeout, "timeout");
        if (pool.isClosed()) {
            return CompletableFuture.failedFuture(new GearmanException("client is shut down"));
        }
        JobState state = job.state();
        byte[] unique = job.binaryUnique();
        Packet packet = Packet.request(precedence.submitType(background), job.binaryName(),
                unique == null ? new byte[0] : unique, job.arguments());
        if (!state.beginSubmit(background)) {
            throw new IllegalStateException("job " + job.name() + " was already submitted; create a new Job");
        }
        return core.submit(state, packet, timeout);
    }

    /**
     * Asks the job's server for its status (GET_STATUS) and applies the answer to the job:
     * {@link Job#known()}, {@link Job#running()}, numerator and denominator.
     *
     * @return {@code job}
     * @throws UnknownJobException when the job has no handle yet
     */
    public Job getStatus(Job job, Duration timeout) {
        return Await.result(getStatusAsync(job, timeout), timeout, "GET_STATUS for " + job.handle());
    }

    public Job getStatus(Job job) {
        return getStatus(job, pool.settings().requestTimeout());
    }

    public CompletableFuture<Job> getStatusAsync(Job job, Duration timeout) {
        return core.getStatus(job.state(), timeout);
    }

    /** ECHO_REQ with a random payload to a connected server; returns the echoed payload. */
    public byte[] echo() {
        return echo(UUID.randomUUID().toString().replace("-", "").getBytes(StandardCharsets.US_ASCII));
    }

    public byte[] echo(byte[] data) {
        return getConnection().echo(data);
    }

    public byte[] echo(byte[] data, Duration timeout) {
        return getConnection().echo(data, timeout);
    }

    /** {@link #setOption(String, Duration)} with the default request timeout. */
    public void setOption(String name) {
        setOption(name, pool.settings().requestTimeout());
    }

    /**
     * Sends OPTION_REQ (e.g. {@code exceptions}, so gearmand forwards WORK_EXCEPTION instead of
     * WORK_FAIL) to every connected server and waits for all answers; the option is sent again
     * after every reconnect.
     *
     * @throws GearmanErrorException       when a server refuses it (ERROR UNKNOWN_OPTION)
     * @throws GearmanTimeoutException     when a server did not answer in time
     * @throws NoConnectedServersException when no server is connected
     */
    public void setOption(String name, Duration timeout) {
        Await.result(core.setOption(name, timeout), timeout, "OPTION_REQ " + name);
    }

    /** Closes all connections and stops the I/O thread. Jobs in flight fail. Idempotent. */
    public void shutdown() {
        pool.close("client shut down");
    }

    @Override
    public void close() {
        shutdown();
    }

    // ---- hooks (gear's handle… methods), on the I/O thread ---------------------------------

    /** JOB_CREATED arrived for {@code job}. Runs on the I/O thread: must not block. */
    protected void handleJobCreated(Job job) {
    }

    protected void handleWorkData(Job job, byte[] data) {
    }

    protected void handleWorkWarning(Job job, byte[] data) {
    }

    protected void handleWorkStatus(Job job) {
    }

    protected void handleWorkComplete(Job job) {
    }

    protected void handleWorkFail(Job job) {
    }

    protected void handleWorkException(Job job) {
    }

    protected void handleStatusRes(Job job) {
    }

    /** The connection {@code job} ran on was lost; by default the job has just been failed. */
    protected void handleDisconnect(Job job) {
    }

    /** Dispatches core events to the hooks, then the listeners. */
    private final class Events implements ClientEvents {
        @Override
        public void jobCreated(Job job) {
            handleJobCreated(job);
            listeners.forEach(l -> l.onJobCreated(job));
        }

        @Override
        public void workData(Job job, byte[] data) {
            handleWorkData(job, data);
            listeners.forEach(l -> l.onWorkData(job, data));
        }

        @Override
        public void workWarning(Job job, byte[] data) {
            handleWorkWarning(job, data);
            listeners.forEach(l -> l.onWorkWarning(job, data));
        }

        @Override
        public void workStatus(Job job) {
            handleWorkStatus(job);
            listeners.forEach(l -> l.onWorkStatus(job));
        }

        @Override
        public void workComplete(Job job) {
            handleWorkComplete(job);
            listeners.forEach(l -> l.onWorkComplete(job));
        }

        @Override
        public void workFail(Job job) {
            handleWorkFail(job);
            listeners.forEach(l -> l.onWorkFail(job));
        }

        @Override
        public void workException(Job job) {
            handleWorkException(job);
            listeners.forEach(l -> l.onWorkException(job));
        }

        @Override
        public void statusRes(Job job) {
            handleStatusRes(job);
            listeners.forEach(l -> l.onStatusRes(job));
        }

        @Override
        public void disconnect(Job job) {
            handleDisconnect(job);
            listeners.forEach(l -> l.onDisconnect(job));
        }
    }

    /** Options of a {@link Client}. */
    public static final class Builder extends ConnectionOptions<Builder> {
        private final List<ClientListener> listeners = new ArrayList<>();
        private boolean failJobsOnDisconnect = true;

        private Builder() {
        }

        /** Adds a listener for job events (called on the I/O thread, in registration order). */
        public Builder listener(ClientListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Whether foreground jobs in flight on a connection that drops end as failed (default
         * true). With false they are left as they are, as gear does; {@code handleDisconnect} is
         * called either way.
         */
        public Builder failJobsOnDisconnect(boolean fail) {
            this.failJobsOnDisconnect = fail;
            return this;
        }

        public Client build() {
            return new Client(this);
        }
    }
}
