package dev.gear.internal.server;

import dev.gear.PacketType;

/**
 * Which queued job a worker gets. Each function keeps one FIFO per priority, and every job
 * entering a queue takes the next value of a global sequence; a grab looks at the head of each of
 * the worker's functions, priority by priority, and takes the lowest sequence: HIGH before NORMAL
 * before LOW, FIFO across all the worker's functions, in O(functions) per grab however long the
 * queues are. Loop thread only.
 */
final class JobDispatch {
    private final JobLifecycle lifecycle;
    private final ServerEvents events;

    JobDispatch(JobLifecycle lifecycle, ServerEvents events) {
        this.lifecycle = lifecycle;
        this.events = events;
    }

    /** GRAB_JOB, GRAB_JOB_UNIQ or GRAB_JOB_ALL: the next job as JOB_ASSIGN*, or NO_JOB. */
    void grab(Peer worker, PacketType grab) {
        worker.sleeping = false; // a worker that grabs is awake
        ServerJob job = lifecycle.isDraining() ? null : nextJobFor(worker);
        if (job == null) {
            Replies.noJob(worker);
            return;
        }
        lifecycle.assign(job, worker, worker.timeouts.isEmpty() ? null : worker.timeouts.get(job.function));
        Replies.assign(worker, job, grab);
        events.jobAssigned(job, worker);
    }

    /** PRE_SLEEP: the worker sleeps until a NOOP, which comes at once when there is work for it. */
    void preSleep(Peer worker) {
        worker.sleeping = true;
        wakeIfWork(worker);
    }

    /** A sleeping worker that may take work now (it learned a function with jobs waiting) is woken. */
    void wakeIfWork(Peer worker) {
        if (worker.sleeping && hasWorkFor(worker)) {
            Wakeups.wake(worker);
        }
    }

    private boolean hasWorkFor(Peer worker) {
        if (lifecycle.isDraining()) {
            return false;
        }
        for (FunctionEntry f : worker.functionArray()) {
            if (f.totalQueued() > 0) {
                return true;
            }
        }
        return false;
    }

    /** Across the worker's functions, the oldest job of the highest priority. */
    private static ServerJob nextJobFor(Peer worker) {
        for (int rank = 0; rank < 3; rank++) {
            ServerJob best = null;
            for (FunctionEntry f : worker.functionArray()) {
                ServerJob head = f.peek(rank);
                if (head != null && (best == null || head.sequence < best.sequence)) {
                    best = head;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return null;
    }
}
