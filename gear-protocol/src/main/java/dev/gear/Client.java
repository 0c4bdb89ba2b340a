package dev.gear;

import dev.gear.internal.client.Await;
import dev.gear.internal.client.ClientCore;
import dev.gear.internal.client.JobEvents;
import dev.gear.internal.client.JobProgress;
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
 * <p><b>Threads.</b> One I/O thread drives all of a client's connections: by default the
 * JVM-wide I/O thread ({@value #DEFAULT_IO_THREAD_NAME}, a daemon started by the first client
 * that needs it and shared by every client built without another choice), so a client costs no
 * thread of its own and a client per request is cheap. {@link Builder#ownIoThread()} gives a
 * client an I/O thread of its own (ended by {@link #close()}), {@link Builder#ioThread(SharedIoThread)}
 * one you share and close yourself. Every public method is thread-safe; any number of threads may
 * submit at once, and each job gets its own handle and results: the request that each reply
 * answers is recorded on the I/O thread in the order the packets are written. The {@code handle…}
 * hooks, {@link ClientListener}s and non-async stages of the returned futures run on the I/O
 * thread and must not block: on the JVM-wide thread a slow one delays every default client of the
 * JVM (give such a client {@link Builder#ownIoThread()}). Blocking calls made on any I/O thread of
 * the library are refused with {@link IllegalStateException}.
 *
 * <p><b>Servers.</b> {@link #addServer} connects in the background and reconnects after a drop,
 * with exponential backoff. Jobs go round-robin to the servers connected at the time; a server
 * that is down is skipped, and a submit that fails on one server moves on to the next connected
 * one ({@link Builder#failover(boolean)}, on by default, as in gear). Jobs in flight on a connection that drops end as failed (see
 * {@link Job}), unless {@link Builder#failJobsOnDisconnect(boolean)} says otherwise.
 *
 * <p><b>Timeouts.</b> No call waits for a server forever: variants without a timeout use
 * {@link Builder#requestTimeout(Duration)} (30 s by default).
 */
public class Client extends BaseClient {
    /**
     * The name of the JVM-wide I/O thread that clients built without {@code ioThread(...)} or
     * {@code ownIoThread()} share. It is never ended by a client: it lives, a daemon, as long as
     * the JVM, so thread censuses of tests should expect one thread of this name to survive.
     */
    public static final String DEFAULT_IO_THREAD_NAME = "gear-io";
    private static final byte[] EMPTY = new byte[0];
    private final ClientCore core;
    private final ServerPool<?> pool;

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
        super(builder);
        PoolSettings settings = builder.settings();
        // The hooks hear each event first, then the listeners in registration order.
        ClientListener[] listeners = new ClientListener[builder.listeners.size() + 1];
        listeners[0] = new Hooks();
        for (int i = 0; i < builder.listeners.size(); i++) {
            listeners[i + 1] = builder.listeners.get(i);
        }
        this.core = new ClientCore("gear-client-" + settings.clientId(), settings, new JobEvents(listeners),
                builder.failJobsOnDisconnect, builder.failover, sharedLoop("client " + settings.clientId()));
        this.pool = core.pool();
        attachToIoThread();
    }

    @Override
    ServerPool<?> pool() {
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
     * <p><b>Failover</b> ({@link Builder#failover(boolean)}, on by default, as in gear): the job
     * goes to the next connected server in the client's rotation; when that one answers ERROR,
     * loses its connection, or does not answer in time, the next connected server not yet tried
     * gets it, each at most once. {@code timeout} bounds the whole submit and is shared: each
     * attempt may take the time still left divided by the number of connected servers not yet
     * tried (with three servers and 30 s, 10 s for the first; the last one tried gets all that is
     * left). A server that did not answer within its share has its connection dropped before the
     * next one is tried, so its late JOB_CREATED is never taken: a job never holds a handle from a
     * server the client gave up on, and once a server answered JOB_CREATED no other is asked. The
     * server that was too slow may still have created (and may run) the job: failover submits at
     * least once, as gear does.
     *
     * @param background whether the server should run it without reporting back
     * @param precedence HIGH, NORMAL or LOW
     * @param timeout    how long to wait for JOB_CREATED, over all the servers tried
     * @return {@code job}, now with its handle
     * @throws SubmitFailedException       when two or more servers were tried and each failed; it
     *                                     names each with what it answered
     * @throws GearmanErrorException       when the only server tried answered ERROR (code and text kept)
     * @throws NoConnectedServersException when no server is connected
     * @throws GearmanTimeoutException     when the only server tried gave no JOB_CREATED within {@code timeout}
     * @throws ConnectionException         when the only server tried lost its connection before JOB_CREATED
     * @throws IllegalStateException       when the job was already submitted
     */
    public Job submitJob(Job job, boolean background, Precedence precedence, Duration timeout) {
        Await.refuseOnIoThread(() -> "submitting " + job.name()); // before the job is sent: a refused call does nothing
        return Await.result(submitJobAsync(job, background, precedence, timeout), timeout, () -> "submitting " + job.name());
    }

    public CompletableFuture<Job> submitJobAsync(Job job) {
        return submitJobAsync(job, false, Precedence.NORMAL, pool.settings().requestTimeout());
    }

    /**
     * Submits without blocking, with the same failover and timeout sharing as
     * {@link #submitJob(Job, boolean, Precedence, Duration)}. The future completes with the job
     * once JOB_CREATED arrived, or fails with the exceptions that method throws (an
     * already-submitted job is thrown at once). Non-async stages run on the I/O thread.
     */
    public CompletableFuture<Job> submitJobAsync(Job job, boolean background, Precedence precedence, Duration timeout) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(precedence, "precedence");
        Objects.requireNonNull(timeout, "timeout");
        if (pool.isClosed()) {
            return CompletableFuture.failedFuture(new GearmanException("client is shut down"));
        }
        JobProgress state = job.state();
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
        Await.refuseOnIoThread(() -> "GET_STATUS for " + job.handle());
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
     * @throws NoConnectedServersException when no server is connected; unlike gear (which returns
     *         false and keeps the option for the next connect) the option is not kept, since only a
     *         server's answer says whether it is accepted: call this after {@code waitForServer}
     */
    public void setOption(String name, Duration timeout) {
        Await.refuseOnIoThread(() -> "OPTION_REQ " + name); // before it is sent: a refused call does nothing
        Await.result(core.setOption(name, timeout), timeout, "OPTION_REQ " + name);
    }

    /**
     * Closes all connections and stops the I/O thread if it is the client's own
     * ({@link Builder#ownIoThread()}); the JVM-wide or a shared I/O thread goes on for the others.
     * Jobs in flight fail. Idempotent.
     */
    @Override
    public void shutdown() {
        pool.close("client shut down");
        core.failQueuedSubmissions();
        detachFromIoThread();
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

    /** The {@code handle…} hooks as the first listener of the client's one event surface. */
    private final class Hooks implements ClientListener {
        @Override
        public void onJobCreated(Job job) {
            handleJobCreated(job);
        }

        @Override
        public void onWorkData(Job job, byte[] data) {
            handleWorkData(job, data);
        }

        @Override
        public void onWorkWarning(Job job, byte[] data) {
            handleWorkWarning(job, data);
        }

        @Override
        public void onWorkStatus(Job job) {
            handleWorkStatus(job);
        }

        @Override
        public void onWorkComplete(Job job) {
            handleWorkComplete(job);
        }

        @Override
        public void onWorkFail(Job job) {
            handleWorkFail(job);
        }

        @Override
        public void onWorkException(Job job) {
            handleWorkException(job);
        }

        @Override
        public void onStatusRes(Job job) {
            handleStatusRes(job);
        }

        @Override
        public void onDisconnect(Job job) {
            handleDisconnect(job);
        }
    }

    /** Options of a {@link Client}. */
    public static final class Builder extends ConnectionOptions<Builder> {
        private final List<ClientListener> listeners = new ArrayList<>();
        private boolean failJobsOnDisconnect = true;
        private boolean failover = true;

        private Builder() {
            jvmWideIoThread(true);
        }

        /**
         * Gives the client an I/O thread of its own ({@code gear-client-<clientId>}), started when
         * it is built and ended by its {@link Client#close()}, instead of the JVM-wide one
         * ({@value Client#DEFAULT_IO_THREAD_NAME}) every default client shares. Worth it for a
         * long-lived client whose callbacks ({@code handle…} hooks, listeners, non-async stages)
         * may be slow, or whose traffic is heavy enough to want a core to itself: on the JVM-wide
         * thread those would delay every other default client. Costs a thread start, a selector
         * and a join per client. Undoes an earlier {@link #ioThread(SharedIoThread)} (the last
         * of the two called wins).
         */
        public Builder ownIoThread() {
            jvmWideIoThread(false);
            return this;
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

        /**
         * Whether a submit that fails on one server moves on to the next connected one (default
         * true, gear's behaviour). With true each connected server is tried at most once per
         * submit, in the client's round-robin order: an ERROR answer, a lost connection or no
         * answer within the attempt's share of the timeout moves on (a server that did not answer
         * in time has its connection dropped, as gear does, and reconnects after the backoff); see
         * {@link Client#submitJob(Job, boolean, Precedence, Duration)}. With false the first
         * failure ends the submit, as before failover existed.
         */
        public Builder failover(boolean failover) {
            this.failover = failover;
            return this;
        }

        public Client build() {
            return new Client(this);
        }
    }
}
