package dev.gear;

import javax.net.ssl.SSLContext;

import java.nio.file.Path;

import dev.gear.internal.client.Connector;
import dev.gear.internal.client.PoolSettings;
import dev.gear.internal.client.ServerConnection;
import dev.gear.internal.client.ServerPool;
import dev.gear.internal.client.WorkerCore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Gearman worker (gear's {@code Worker}): registers functions with one or more servers and
 * fetches jobs.
 *
 * <pre>{@code
 * try (Worker worker = new Worker("reverser")) {
 *     worker.addServer("127.0.0.1", 4730);
 *     worker.registerFunction("reverse");
 *     while (running) {
 *         WorkerJob job = worker.getJob();
 *         job.sendWorkComplete(new StringBuilder(job.argumentsAsString()).reverse().toString());
 *     }
 * }
 * }</pre>
 *
 * <p><b>Fetching.</b> {@link #getJob()} grabs (GRAB_JOB_UNIQ) from the connected servers in turn,
 * sleeps (PRE_SLEEP) on those that have nothing and grabs again when one wakes it (NOOP). It never
 * keeps more grabs on the wire than there are threads waiting in {@code getJob}, so one waiting
 * thread gets one job even with several servers (gear grabs from every server at once and parks
 * the extras). A job that arrives after its caller gave up (timeout, {@link #stopWaitingForJobs()})
 * is handed to the next {@code getJob}.
 *
 * <p><b>Threads.</b> One I/O thread per worker drives all its connections; every public method is
 * thread-safe, and several threads may wait in {@code getJob} at once. After a reconnect the
 * worker sends SET_CLIENT_ID and registers its functions again on its own.
 */
public class Worker implements AutoCloseable {
    private final WorkerCore core;
    private final ServerPool pool;
    private final Connector plainConnector;

    /** A worker with the given id (required, as in gear; sent with SET_CLIENT_ID). */
    public Worker(String clientId) {
        this(builder().clientId(Objects.requireNonNull(clientId, "A client_id must be provided")));
    }

    protected Worker(Builder builder) {
        PoolSettings settings = builder.settings();
        this.plainConnector = Connector.plain(settings.socketSettings(), settings.limits());
        this.core = new WorkerCore("gear-worker-" + settings.clientId(), settings);
        this.pool = core.pool();
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- servers ---------------------------------------------------------------------------

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

    public void waitForServer() {
        waitForServer(pool.settings().requestTimeout());
    }

    /** @throws GearmanTimeoutException when no server is connected within {@code timeout} */
    public void waitForServer(Duration timeout) {
        pool.waitForServer(timeout);
    }

    /** A connected server, rotating between calls. @throws NoConnectedServersException when none is */
    public Connection getConnection() {
        return new Connection(pool.anyConnected());
    }

    public List<Connection> getConnections() {
        List<Connection> out = new ArrayList<>();
        for (ServerConnection s : pool.servers()) {
            out.add(new Connection(s));
        }
        return out;
    }

    // ---- functions -------------------------------------------------------------------------

    /** Registers a function (CAN_DO) on every server, now and after each reconnect. */
    public void registerFunction(String name) {
        registerFunction(name, null);
    }

    /**
     * Registers a function with a run-time limit (CAN_DO_TIMEOUT, sent in milliseconds, as
     * gearmand reads it); {@code timeout} null means none. A waiting {@link #getJob()} asks the
     * servers again at once, so jobs queued before the registration are picked up.
     */
    public void registerFunction(String name, Duration timeout) {
        FunctionRecord record = new FunctionRecord(name, timeout);
        core.register(record.name(), record.timeout());
    }

    /** Unregisters a function (CANT_DO) on every server; does nothing for an unknown name. */
    public void unRegisterFunction(String name) {
        core.unregister(Objects.requireNonNull(name, "name"));
    }

    /** Replaces all registrations: RESET_ABILITIES, then CAN_DO or CAN_DO_TIMEOUT for each record. */
    public void setFunctions(List<FunctionRecord> functions) {
        Map<String, Duration> map = new LinkedHashMap<>();
        for (FunctionRecord f : functions) {
            if (f == null) {
                throw new InvalidDataException("setFunctions needs FunctionRecords, got null");
            }
            map.put(f.name(), f.timeout());
        }
        core.setFunctions(map);
    }

    /** The registered functions. */
    public List<FunctionRecord> functions() {
        List<FunctionRecord> out = new ArrayList<>();
        core.functionsSnapshot().forEach((n, t) -> out.add(new FunctionRecord(n, t)));
        return out;
    }

    // ---- jobs ------------------------------------------------------------------------------

    /**
     * Waits for a job, without a time limit (the one wait that may last forever; it ends with
     * {@link #stopWaitingForJobs()}, {@link #shutdown()} or a thread interrupt).
     *
     * @throws WorkerInterruptedException when stopped, shut down or interrupted
     */
    public WorkerJob getJob() {
        return new WorkerJob(core.getJob(null));
    }

    /**
     * Waits for a job up to {@code timeout}.
     *
     * @throws GearmanTimeoutException    when no job came in time
     * @throws WorkerInterruptedException when stopped, shut down or interrupted
     */
    public WorkerJob getJob(Duration timeout) {
        return new WorkerJob(core.getJob(Objects.requireNonNull(timeout, "timeout")));
    }

    /** Makes every {@code getJob} waiting now throw {@link WorkerInterruptedException}. */
    public void stopWaitingForJobs() {
        core.stopWaiting("stopWaitingForJobs() was called");
    }

    /** How many threads wait in {@code getJob} now (gear's {@code waiting_for_jobs}). */
    public int waitingForJobs() {
        return core.waitingCount();
    }

    /** Stops waiting getJob calls, closes all connections and the I/O thread. Idempotent. */
    public void shutdown() {
        core.shutdown();
    }

    @Override
    public void close() {
        shutdown();
    }

    /** Options of a {@link Worker}. */
    public static final class Builder extends ConnectionOptions<Builder> {
        private Builder() {
        }

        public Worker build() {
            return new Worker(this);
        }
    }

}
