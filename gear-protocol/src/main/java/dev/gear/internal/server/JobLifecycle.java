package dev.gear.internal.server;

import dev.gear.internal.transport.EventLoop;
import dev.gear.server.WorkerLossPolicy;
import dev.gear.internal.store.StoredJob;
import dev.gear.internal.store.StoredKeys;
import dev.gear.server.JobSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of every job's state and of the counters that follow it: a job is created,
 * delayed (SUBMIT_JOB_EPOCH), queued, assigned to a worker, requeued, and forgotten only here, so
 * {@link ServerJob#state}, the function's {@code queued}/{@code running}/{@code delayed} counts and
 * the server's running total always agree. Admin commands and snapshots read through it.
 *
 * <pre>
 *  create ─┬─ DELAYED ── (its time) ──┐         (a hold takes it) HELD ── (released) ──┐
 *          └──────────────────────── QUEUED ◀───────────────────────────────────────┘
 *                                      │ assign
 *                                   RUNNING ── finish ── DONE
 *             requeue (worker lost, timeout) → QUEUED or HELD; or fail → DONE
 *             cancel / clients gone (DELAYED, QUEUED, HELD) → DONE
 * </pre>
 *
 * Loop thread only.
 */
final class JobLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger("dev.gear.server.Server");

    private final ServerConfig config;
    private final ServerEvents events;
    private final FunctionTable functions = new FunctionTable();
    /** Every job by handle ({@link JobTable#oldestFirst} for admin order). */
    private final JobTable jobs = new JobTable();
    private final JobHolds holds = new JobHolds();
    /** The queue store's rows, or null: in memory only. */
    private DurableJobs durable;
    /**
     * What to tell once a job's row is durable (or could not be stored): the submitters of a STORING
     * job, and the background submitters that joined a foreground job whose row is being written.
     */
    private final Map<ServerJob, List<Consumer<String>>> storing = new IdentityHashMap<>();
    private EventLoop loop;
    private Runnable whenDrained = () -> { };
    private long nextHandle = 1;
    private long sequence;
    private int runningJobs;
    private boolean draining;

    JobLifecycle(ServerConfig config, ServerEvents events) {
        this.config = config;
        this.events = events;
    }

    /** Once, before the first job: the loop for timers, and what to do once draining has finished. */
    void attach(EventLoop loop, Runnable whenDrained) {
        this.loop = loop;
        this.whenDrained = whenDrained;
    }

    /** From now on background jobs are stored before they are acknowledged; before the first connection. */
    void attachStore(DurableJobs store) {
        this.durable = store;
    }

    DurableJobs store() {
        return durable;
    }

    /** Whether background jobs go to a queue store before they are acknowledged. */
    boolean isDurable() {
        return durable != null;
    }

    FunctionTable functions() {
        return functions;
    }

    JobTable jobs() {
        return jobs;
    }

    /** Every held job, oldest first. */
    List<ServerJob> heldJobs() {
        return holds.heldBy(null);
    }

    int runningJobs() {
        return runningJobs;
    }

    /** Graceful shutdown has begun: no new jobs, no more grabs, the server stops when the last running job ends. */
    boolean isDraining() {
        return draining;
    }

    void startDraining() {
        draining = true;
        checkDrained();
    }

    // ---------------------------------------------------------------- entering

    /**
     * A new job for {@code request}, queued (or delayed until its epoch time); its submitter, when
     * foreground, waits for it.
     */
    ServerJob create(SubmitRequest request, FunctionEntry f, byte[] handlePrefix, Peer submitter) {
        ServerJob job = new ServerJob(handlePrefix, nextHandle++, f, request.unique(), request.data(),
                request.dataInBody(), request.precedence(), request.background(), request.reducer(), submitter);
        jobs.add(job);
        if (job.uniqueKey() != null) {
            f.byUnique.add(job);
        }
        if (!request.background()) {
            addListener(job, submitter);
        }
        place(job, request.notBeforeMillis());
        return job;
    }

    /**
     * A new background job whose row the queue store writes first: it is queued, and
     * {@code acknowledge} runs (with null), only once the row is durable; when the row cannot be
     * stored the job is gone and {@code acknowledge} gets the reason.
     */
    void createDurably(SubmitRequest request, FunctionEntry f, byte[] handlePrefix, Peer submitter,
            BiConsumer<ServerJob, String> acknowledge) {
        ServerJob job = new ServerJob(handlePrefix, nextHandle++, f, request.unique(), request.data(),
                request.dataInBody(), request.precedence(), true, request.reducer(), submitter);
        jobs.add(job);
        if (job.uniqueKey() != null) {
            f.byUnique.add(job); // a submission of the same unique meanwhile joins it (see coalesceDurably)
        }
        job.state = ServerJob.State.STORING;
        f.storing[job.rank]++;
        job.notBeforeMillis = request.notBeforeMillis(); // stored as when_to_run
        List<Consumer<String>> waiting = new ArrayList<>(1);
        waiting.add(failure -> acknowledge.accept(job, failure));
        storing.put(job, waiting);
        durable.store(job, failure -> stored(job, failure));
    }

    /** Whether a background submission coalesced into {@code job} must wait for a row to be durable. */
    boolean needsStoring(ServerJob job) {
        // storing holds the job too while the row of a foreground job joined by an earlier background
        // submission is being written: a later one must wait for that row, not be acknowledged at once.
        return durable != null && (job.state == ServerJob.State.STORING || !job.survivesClients()
                || storing.containsKey(job));
    }

    /**
     * A background submission coalesced into {@code job} ({@link #needsStoring}): acknowledged once
     * the job's row is durable, which for a foreground job means writing one now.
     */
    void coalesceDurably(ServerJob job, Consumer<String> acknowledge) {
        List<Consumer<String>> waiting = storing.get(job);
        if (waiting != null) {
            waiting.add(acknowledge);
            return;
        }
        job.backgroundAttached = true; // at once: should it finish before the row is durable, the row is removed
        List<Consumer<String>> joined = new ArrayList<>(1);
        joined.add(acknowledge);
        storing.put(job, joined);
        durable.store(job, failure -> {
            storing.remove(job);
            if (failure != null && job.state != ServerJob.State.DONE) {
                job.backgroundAttached = false; // not stored, so not kept beyond its clients either
            }
            joined.forEach(a -> a.accept(failure));
        });
    }

    private void stored(ServerJob job, String failure) {
        List<Consumer<String>> waiting = storing.remove(job);
        if (job.state != ServerJob.State.STORING) {
            return; // the server is stopping
        }
        job.function.storing[job.rank]--;
        if (failure == null) {
            long notBefore = job.notBeforeMillis;
            job.notBeforeMillis = 0;
            place(job, notBefore);
        } else {
            LOG.warn("background job {} refused: its row could not be stored: {}", job.handle(), failure);
            Replies.toListeners(job, Replies.workFail(job)); // foreground submissions that joined it
            forget(job, false);
        }
        if (waiting != null) {
            waiting.forEach(w -> w.accept(failure));
        }
    }

    /** Delays {@code job} until {@code notBefore} (epoch millis) when that is in the future, else queues it. */
    private void place(ServerJob job, long notBefore) {
        FunctionEntry f = job.function;
        long delay = notBefore > 0 ? notBefore - System.currentTimeMillis() : 0;
        if (delay > 0) {
            job.state = ServerJob.State.DELAYED;
            job.notBeforeMillis = notBefore;
            f.delayed++;
            job.timer = loop.schedule(Duration.ofMillis(delay), () -> delayOver(job));
        } else {
            enqueue(job);
        }
    }

    /**
     * The queue store's jobs, loaded before the first connection, in the order given (priority,
     * then the order they were stored): each queued again (or delayed until its epoch time).
     */
    void restore(List<StoredJob> rows, byte[] handlePrefix) {
        for (StoredJob row : rows) {
            FunctionEntry f = functions.function(Bytes.key(row.functionName()));
            byte[] unique = StoredKeys.clientUniqueOf(row.uniqueKey());
            ServerJob job = new ServerJob(handlePrefix, nextHandle++, f, unique, row.data(),
                    FunctionEntry.BY_RANK[row.priority()], true, null, null, null);
            if (job.uniqueKey() != null && f.byUnique.get(job.uniqueKey()) != null) {
                LOG.warn("queue store: a second row for unique '{}' of function {} skipped",
                        Bytes.display(Bytes.key(unique)), f.displayName());
                continue;
            }
            jobs.add(job);
            if (job.uniqueKey() != null) {
                f.byUnique.add(job);
            }
            durable.recovered(job, row.uniqueKey());
            place(job, row.whenToRun() * 1000);
        }
    }

    /** A submission coalesced into {@code job}: a foreground one waits for it too, a background one keeps it alive. */
    void coalesce(ServerJob job, Peer submitter, boolean background) {
        if (background) {
            job.backgroundAttached = true;
        } else {
            addListener(job, submitter);
        }
    }

    private static void addListener(ServerJob job, Peer client) {
        job.addListener(client);
        client.waitingFor.add(job);
    }

    /** Whether {@code f}'s {@code maxqueue} for priority {@code rank} leaves no room (0: unlimited). */
    static boolean queueFull(FunctionEntry f, int rank) {
        int limit = f.maxQueue[rank];
        return limit > 0 && f.queued[rank] + f.running[rank] + f.storing[rank] >= limit;
    }

    private void delayOver(ServerJob job) {
        if (job.state == ServerJob.State.DELAYED) {
            job.timer = null;
            job.function.delayed--;
            enqueue(job);
        }
    }

    private void enqueue(ServerJob job) {
        job.sequence = ++sequence;
        if (holds.isActive() && holds.take(job)) {
            job.state = ServerJob.State.HELD;
            job.function.held++;
            events.jobHeld(job);
            return;
        }
        job.state = ServerJob.State.QUEUED;
        job.function.enqueue(job);
        if (!draining) {
            Wakeups.wakeSleepers(job.function);
        }
    }

    // ---------------------------------------------------------------- holding

    /** From now on, jobs matching {@code criteria} are held instead of queued (see {@link JobHolds}). */
    JobHold holdJobs(Predicate<JobSnapshot> criteria) {
        return holds.open(criteria, this);
    }

    /** Held jobs that no hold keeps any more go back to their queues, in their place; their workers wake. */
    void unhold(List<ServerJob> released) {
        Set<FunctionEntry> woken = new LinkedHashSet<>();
        for (ServerJob job : released) {
            if (job.state != ServerJob.State.HELD) {
                continue;
            }
            job.function.held--;
            job.state = ServerJob.State.QUEUED;
            job.function.enqueueInOrder(job);
            events.jobReleased(job);
            woken.add(job.function);
        }
        if (!draining) {
            woken.forEach(Wakeups::wakeSleepers);
        }
    }

    // ---------------------------------------------------------------- running

    /**
     * {@code job}, the head of its queue, goes to {@code worker}; with a CAN_DO_TIMEOUT it is
     * requeued when the worker has not finished it in time.
     */
    void assign(ServerJob job, Peer worker, Integer timeoutMillis) {
        FunctionEntry f = job.function;
        f.take(job);
        f.running[job.rank]++;
        runningJobs++;
        job.state = ServerJob.State.RUNNING;
        job.worker = worker;
        worker.running.add(job);
        if (timeoutMillis != null) {
            int timeout = timeoutMillis;
            job.timer = loop.schedule(Duration.ofMillis(timeout), () -> timedOut(job, worker, timeout));
        }
    }

    /** WORK_COMPLETE, WORK_FAIL or WORK_EXCEPTION from the job's worker (already passed on). */
    void finished(ServerJob job) {
        detachFromWorker(job);
        forget(job);
        checkDrained();
    }

    private void timedOut(ServerJob job, Peer worker, int timeout) {
        if (job.state != ServerJob.State.RUNNING || job.worker != worker) {
            return;
        }
        job.timer = null;
        detachFromWorker(job);
        // gearmand requeues on CAN_DO_TIMEOUT whatever the disconnect policy; the worker's later
        // WORK_* for this job then get JOB_NOT_FOUND.
        requeueOrFail(job, "CAN_DO_TIMEOUT of " + timeout + " ms expired on connection " + worker.id, true);
    }

    private void detachFromWorker(ServerJob job) {
        job.cancelTimer();
        job.worker.running.remove(job);
        job.worker = null;
        job.function.running[job.rank]--;
        runningJobs--;
    }

    private void requeueOrFail(ServerJob job, String reason, boolean requeue) {
        WorkerLossPolicy policy = config.workerLossPolicy();
        if (requeue && policy.allowsRetry(job.retries)) {
            job.retries++;
            LOG.info("job {} requeued (retry {}): {}", job.handle(), job.retries, reason);
            enqueue(job);
            events.jobRequeued(job, reason);
        } else {
            String why = requeue ? reason + "; retry limit " + policy.maxRetries() + " reached" : reason;
            if (job.survivesClients()) {
                LOG.warn("background job {} dropped: {}", job.handle(), why);
            }
            Replies.toListeners(job, Replies.workFail(job));
            events.jobFailed(job, why);
            forget(job);
        }
        checkDrained();
    }

    // ---------------------------------------------------------------- connections lost

    /** A worker's connection is gone: its running jobs are requeued or failed, as the policy says. */
    void workerLost(Peer worker, String reason) {
        WorkerLossPolicy policy = config.workerLossPolicy();
        for (ServerJob job : worker.running.toList()) {
            detachFromWorker(job);
            requeueOrFail(job, "worker connection " + worker.id + " lost (" + reason + ")",
                    job.survivesClients() || policy.requeueForeground());
        }
    }

    /**
     * A client's connection is gone: a waiting foreground job that no one else wants goes; a
     * running one keeps running, and with no listener left its results go nowhere.
     */
    void clientLost(Peer client) {
        for (ServerJob job : client.waitingFor.toList()) {
            job.removeListener(client);
            if (job.listenerCount() == 0 && !job.survivesClients() && job.isWaiting()) {
                removeWaiting(job, "its only client (connection " + client.id + ") disconnected", false);
            }
        }
        client.waitingFor.clear();
    }

    // ---------------------------------------------------------------- leaving

    /** {@code cancel job}: true when the job was waiting and is now gone (its clients get WORK_FAIL). */
    boolean cancel(ServerJob job) {
        if (!job.isWaiting()) {
            return false;
        }
        removeWaiting(job, "cancelled by admin command", true);
        return true;
    }

    /** Takes a queued, held or delayed job away; its clients get WORK_FAIL when {@code tellClients}. */
    private void removeWaiting(ServerJob job, String reason, boolean tellClients) {
        if (job.state == ServerJob.State.QUEUED) {
            job.function.removeQueued(job);
        } else if (job.state == ServerJob.State.DELAYED) {
            job.function.delayed--;
        } else if (job.state == ServerJob.State.HELD) {
            job.function.held--;
            holds.forget(job);
        } else {
            throw new IllegalStateException(job + " is not waiting");
        }
        if (tellClients) {
            Replies.toListeners(job, Replies.workFail(job));
        }
        events.jobCancelled(job, reason);
        forget(job);
    }

    /** Removes every trace of a job that is no longer queued or running, its stored row included. */
    private void forget(ServerJob job) {
        forget(job, true);
    }

    private void forget(ServerJob job, boolean stored) {
        if (stored && durable != null && job.survivesClients()) {
            durable.remove(job);
        }
        job.state = ServerJob.State.DONE;
        job.cancelTimer();
        jobs.remove(job);
        if (job.uniqueKey() != null) {
            job.function.byUnique.remove(job);
        }
        for (int i = 0; i < job.listenerCount(); i++) {
            job.listener(i).waitingFor.remove(job);
        }
        job.clearListeners();
    }

    private void checkDrained() {
        if (draining && runningJobs == 0) {
            whenDrained.run();
        }
    }

    /** gear's statsd gauges: all jobs, running jobs, waiting jobs. */
    void reportQueue() {
        StatsdReporter statsd = config.statsd();
        if (statsd != null) {
            statsd.queue(jobs.size(), runningJobs, jobs.size() - runningJobs);
        }
    }
}
