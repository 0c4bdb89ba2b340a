package dev.gear;

import dev.gear.internal.client.Await;
import dev.gear.internal.client.ClientCore;
import dev.gear.internal.client.ClientEvents;
import dev.gear.internal.client.JobState;
import dev.gear.internal.client.PoolSettings;
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
public class Client extends BaseClient {
    private static final byte[] EMPTY = new byte[0];
    private final ClientCore core;
    private final ServerPool pool;
    /** The shared I/O thread this client runs on, or null for its own. */
    private final SharedIoThread io;
    /** An array: iterating it allocates nothing (events fire several times per job). */
    private final ClientListener[] listeners;

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
        this.listeners = builder.listeners.toArray(new ClientListener[0]);
        PoolSettings settings = builder.settings();
        this.io = builder.ioThread();
        this.core = new ClientCore("gear-client-" + settings.clientId(), settings, new Events(), builder.failJobsOnDisconnect,
                io == null ? null : io.loopFor("client " + settings.clientId()));
        this.pool = core.pool();
        if (io != null) {
            io.attach(this);
        }
    }

    @Override
    ServerPool pool() {
        return pool;
    }

    public static Builder builder() {
        return new Builder();
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
        return Await.result(submitJobAsync(job, background, precedence, timeout), timeout, () -> "submitting " + job.name());
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
        // Packet.request copies the fields into the body, so the job's own arrays are passed.
        byte[] unique = job.uniqueRef();
        Packet packet = Packet.request(precedence.submitType(background), job.nameRef(),
                unique == null ? EMPTY : unique, job.argumentsRef());
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
    @Override
    public void shutdown() {
        pool.close("client shut down");
        core.failQueuedSubmissions();
        if (io != null) {
            io.detach(this);
        }
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
            for (ClientListener l : listeners) {
                l.onJobCreated(job);
            }
        }

        @Override
        public void workData(Job job, byte[] data) {
            handleWorkData(job, data);
            for (ClientListener l : listeners) {
                l.onWorkData(job, data);
            }
        }

        @Override
        public void workWarning(Job job, byte[] data) {
            handleWorkWarning(job, data);
            for (ClientListener l : listeners) {
                l.onWorkWarning(job, data);
            }
        }

        @Override
        public void workStatus(Job job) {
            handleWorkStatus(job);
            for (ClientListener l : listeners) {
                l.onWorkStatus(job);
            }
        }

        @Override
        public void workComplete(Job job) {
            handleWorkComplete(job);
            for (ClientListener l : listeners) {
                l.onWorkComplete(job);
            }
        }

        @Override
        public void workFail(Job job) {
            handleWorkFail(job);
            for (ClientListener l : listeners) {
                l.onWorkFail(job);
            }
        }

        @Override
        public void workException(Job job) {
            handleWorkException(job);
            for (ClientListener l : listeners) {
                l.onWorkException(job);
            }
        }

        @Override
        public void statusRes(Job job) {
            handleStatusRes(job);
            for (ClientListener l : listeners) {
                l.onStatusRes(job);
            }
        }

        @Override
        public void disconnect(Job job) {
            handleDisconnect(job);
            for (ClientListener l : listeners) {
                l.onDisconnect(job);
            }
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
