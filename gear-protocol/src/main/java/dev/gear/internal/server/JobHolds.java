package dev.gear.internal.server;

import dev.gear.server.JobSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Jobs kept out of the dispatch (the test kit's {@code holdJobs}, as Zuul's test server holds jobs
 * in its queue). A job about to be queued that an open {@link JobHold} takes is HELD instead: it
 * keeps its place in the order (its sequence), counts as waiting in {@code status}, shows in
 * snapshots, and no worker is given it or woken for it. It is queued again, in its place, once
 * every hold that took it has released it or closed.
 *
 * <p>Nothing here runs while no hold is open: {@link #isActive()} is one check per enqueue.
 * Loop thread only.
 */
final class JobHolds {
    private final List<JobHold> open = new ArrayList<>();
    /** Each held job and the holds that took it. */
    private final Map<ServerJob, Set<JobHold>> held = new LinkedHashMap<>();

    boolean isActive() {
        return !open.isEmpty();
    }

    JobHold open(Predicate<JobSnapshot> criteria, JobLifecycle lifecycle) {
        JobHold hold = new JobHold(criteria, this, lifecycle);
        open.add(hold);
        return hold;
    }

    /** Whether an open hold takes {@code job}, which is about to be queued; it is then on record as held. */
    boolean take(ServerJob job) {
        JobSnapshot view = null;
        Set<JobHold> by = null;
        for (JobHold hold : open) {
            if (view == null) {
                view = Snapshots.job(job, JobSnapshot.State.HELD);
            }
            if (hold.criteria.test(view)) {
                if (by == null) {
                    by = new HashSet<>(2);
                }
                by.add(hold);
            }
        }
        if (by == null) {
            return false;
        }
        held.put(job, by);
        return true;
    }

    /**
     * {@code hold} lets go of its jobs that match {@code which} (all of them for null); returns
     * those no other hold keeps, oldest first: the caller queues them again.
     */
    List<ServerJob> letGo(JobHold hold, Predicate<JobSnapshot> which) {
        List<ServerJob> free = new ArrayList<>();
        for (Map.Entry<ServerJob, Set<JobHold>> e : new ArrayList<>(held.entrySet())) {
            Set<JobHold> by = e.getValue();
            if (!by.contains(hold)) {
                continue;
            }
            ServerJob job = e.getKey();
            if (which != null && !which.test(Snapshots.job(job, JobSnapshot.State.HELD))) {
                continue;
            }
            by.remove(hold);
            if (by.isEmpty()) {
                held.remove(job);
                free.add(job);
            }
        }
        free.sort(Comparator.comparingLong(j -> j.sequence));
        return free;
    }

    void closed(JobHold hold) {
        open.remove(hold);
    }

    /** A held job left the server (cancelled, its clients gone). */
    void forget(ServerJob job) {
        held.remove(job);
    }

    /** The jobs {@code hold} keeps (all held jobs for null), oldest first. */
    List<ServerJob> heldBy(JobHold hold) {
        List<ServerJob> out = new ArrayList<>();
        held.forEach((job, by) -> {
            if (hold == null || by.contains(hold)) {
                out.add(job);
            }
        });
        out.sort(Comparator.comparingLong(j -> j.sequence));
        return out;
    }
}
