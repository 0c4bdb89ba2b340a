package dev.gear;

import dev.gear.internal.client.HandlerSettings;
import dev.gear.internal.client.PoolSettings;
import dev.gear.internal.client.ServerPool;
import dev.gear.internal.client.WorkerCore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

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
 * <p>Or hand each function's jobs to a {@link JobHandler}; the worker then grabs jobs on its own:
 *
 * <pre>{@code
 * Worker worker = Worker.builder().clientId("reverser").maxConcurrentJobs(4).build();
 * worker.addServer("127.0.0.1", 4730);
 * worker.registerFunction("reverse",
 *         job -> job.sendWorkComplete(new StringBuilder(job.argumentsAsString()).reverse().toString()));
 * }</pre>
 *
 * <p><b>Handlers.</b> Jobs of a function registered with a handler run on a pool of
 * {@link Builder#maxConcurrentJobs(int)} threads the worker owns (one by default), on an
 * {@link Builder#handlerExecutor(Executor) executor of yours}, or on the worker's I/O thread
 * ({@link Builder#runHandlersOnIoThread()}: no thread hand-off at all, the fastest, for handlers
 * that never block). The worker keeps at most {@code maxConcurrentJobs} handler jobs at once and
 * grabs the next when a handler returns. Functions without a handler go to {@code getJob}; a
 * worker that has both kinds may grab a {@code getJob} job for a free handler slot and keeps it
 * for the next {@code getJob} caller, so keep a thread in {@code getJob} on such a worker (or use
 * two workers).
 *
 * <p><b>Fetching.</b> {@link #getJob()} grabs (GRAB_JOB_UNIQ) from the connected servers in turn,
 * sleeps (PRE_SLEEP) on those that have nothing and grabs again when one wakes it (NOOP). It never
 * keeps more grabs on the wire than there are threads waiting in {@code getJob}, so one waiting
 * thread gets one job even with several servers (gear grabs from every server at once and parks
 * the extras). A job that arrives after its caller gave up (timeout, {@link #stopWaitingForJobs()})
 * is handed to the next {@code getJob}.
 *
 * <p><b>Threads.</b> One I/O thread per worker drives all its connections: its own by default
 * (unlike a {@link Client}, which shares the JVM-wide one), or a {@link SharedIoThread} given to
 * {@link Builder#ioThread(SharedIoThread)}. A worker is long-lived, so its own thread costs once,
 * and it is the side that runs user code near the I/O thread ({@link Builder#runHandlersOnIoThread()}
 * handlers, and every job handed to {@code getJob} callers): sharing the JVM-wide thread by default
 * would let one slow handler delay every client of the JVM. Every public method is thread-safe,
 * and several threads may wait in {@code getJob} at once. After a reconnect the
 * worker sends SET_CLIENT_ID and registers its functions again on its own.
 */
public class Worker extends BaseClient {
    private final WorkerCore core;
    private final ServerPool<?> pool;

    /** A worker with the given id (required, as in gear; sent with SET_CLIENT_ID). */
    public Worker(String clientId) {
        this(builder().clientId(Objects.requireNonNull(clientId, "A client_id must be provided")));
    }

    protected Worker(Builder builder) {
        super(builder);
        PoolSettings settings = builder.settings();
        this.core = new WorkerCore("gear-worker-" + settings.clientId(), settings, builder.handlerSettings(),
                sharedLoop("worker " + settings.clientId()));
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

    // ---- functions -------------------------------------------------------------------------

    /** Registers a function (CAN_DO) on every server, now and after each reconnect. */
    public void registerFunction(String name) {
        registerFunction(name, (Duration) null);
    }

    /**
     * Registers a function with a run-time limit (CAN_DO_TIMEOUT, sent in milliseconds, as
     * gearmand reads it); {@code timeout} null means none. A waiting {@link #getJob()} asks the
     * servers again at once, so jobs queued before the registration are picked up.
     */
    public void registerFunction(String name, Duration timeout) {
        FunctionRecord record = new FunctionRecord(name, timeout);
        core.register(record.name(), record.timeout(), null);
    }

    /**
     * Registers a function (CAN_DO) whose jobs go to {@code handler} instead of {@code getJob}; the
     * worker grabs them on its own from now on. Registering the name again replaces the handler
     * (or, without one, sends its jobs to {@code getJob}).
     */
    public void registerFunction(String name, JobHandler handler) {
        registerFunction(name, null, handler);
    }

    /** As {@link #registerFunction(String, JobHandler)}, with a run-time limit (CAN_DO_TIMEOUT); null for none. */
    public void registerFunction(String name, Duration timeout, JobHandler handler) {
        Objects.requireNonNull(handler, "handler");
        FunctionRecord record = new FunctionRecord(name, timeout);
        core.register(record.name(), record.timeout(), job -> handler.handle(new WorkerJob(job)));
    }

    /** Unregisters a function (CANT_DO) and drops its handler; does nothing for an unknown name. */
    public void unRegisterFunction(String name) {
        core.unregister(Objects.requireNonNull(name, "name"));
    }

    /**
     * Replaces all registrations: RESET_ABILITIES, then CAN_DO or CAN_DO_TIMEOUT for each record.
     * Handlers are dropped with the old registrations: the new functions' jobs go to {@code getJob}.
     */
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

    /**
     * Stops waiting getJob calls, closes all connections (after sending what is queued) and the I/O
     * thread, and lets running handlers return (their results can no longer be sent: each server
     * requeues or fails those jobs, as for any worker it lost). Idempotent.
     */
    @Override
    public void shutdown() {
        core.shutdown();
        detachFromIoThread();
    }

    /** Options of a {@link Worker}. */
    public static final class Builder extends ConnectionOptions<Builder> {
        private Executor handlerExecutor;
        private boolean handlersOnIoThread;
        private int maxConcurrentJobs = 1;

        private Builder() {
        }

        /**
         * How many jobs of functions with a {@link JobHandler} the worker runs at once (default 1);
         * it grabs no more than that. Also the size of the handler pool the worker makes when no
         * {@link #handlerExecutor(Executor)} is given.
         */
        public Builder maxConcurrentJobs(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConcurrentJobs must be at least 1, was " + max);
            }
            this.maxConcurrentJobs = max;
            return this;
        }

        /**
         * Runs handlers on {@code executor} (which the worker does not shut down) instead of a
         * pool of its own. It should have {@link #maxConcurrentJobs(int)} threads free for them.
         */
        public Builder handlerExecutor(Executor executor) {
            this.handlerExecutor = Objects.requireNonNull(executor, "executor");
            this.handlersOnIoThread = false;
            return this;
        }

        /**
         * Runs handlers on the worker's I/O thread: a job's result leaves in the same write as the
         * next grab, with no thread hand-off, which makes high job rates cheap. Only for handlers
         * that never block: while one runs, none of this worker's connections is read or written.
         */
        public Builder runHandlersOnIoThread() {
            this.handlersOnIoThread = true;
            this.handlerExecutor = null;
            return this;
        }

        HandlerSettings handlerSettings() {
            return new HandlerSettings(handlerExecutor, handlersOnIoThread, maxConcurrentJobs);
        }

        public Worker build() {
            return new Worker(this);
        }
    }

}
