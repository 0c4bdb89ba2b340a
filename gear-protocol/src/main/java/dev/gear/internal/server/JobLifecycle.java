package dev.gear.internal.server;

import dev.gear.internal.transport.EventLoop;
import dev.gear.server.WorkerLossPolicy;
import dev.gear.server.JobSnapshot;
import java.time.Duration;
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
        long notBefore = request.notBeforeMillis();
        long delay = notBefore > 0 ? notBefore - System.currentTimeMillis() : 0;
        if (delay > 0) {
            job.state = ServerJob.State.DELAYED;
            job.notBeforeMillis = notBefore;
            f.delayed++;
            job.timer = loop.schedule(Duration.ofMillis(delay), () -> delayOver(job));
        } else {
            enqueue(job);
        }
        return job;
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
        return limit > 0 && f.queued[rank] + f.running[rank] >= limit;
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

    /** Removes every trace of a job that is no longer queued or running. */
    private void forget(ServerJob job) {
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
