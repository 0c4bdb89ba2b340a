package dev.gear.internal.server;

import dev.gear.server.JobSnapshot;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One open hold on the server's queue (see {@link JobHolds}), made by {@link ServerCore#holdJobs}.
 * Every method runs on the server's loop thread; the test kit wraps them for other threads.
 */
public final class JobHold {
    final Predicate<JobSnapshot> criteria;
    private final JobHolds holds;
    private final JobLifecycle lifecycle;
    private boolean closed;

    JobHold(Predicate<JobSnapshot> criteria, JobHolds holds, JobLifecycle lifecycle) {
        this.criteria = Objects.requireNonNull(criteria, "criteria");
        this.holds = holds;
        this.lifecycle = lifecycle;
    }

    /** The jobs this hold keeps, oldest first. */
    public List<JobSnapshot> held() {
        return holds.heldBy(this).stream().map(j -> Snapshots.job(j, JobSnapshot.State.HELD)).toList();
    }

    /**
     * Lets go of the held jobs that match {@code which}: those no other hold keeps are queued again
     * in their original place (priority, then the order they were submitted) and sleeping workers
     * are woken.
     *
     * @return the jobs let go (some may still be held by another hold)
     * @throws IllegalStateException when this hold is closed
     */
    public List<JobSnapshot> release(Predicate<JobSnapshot> which) {
        Objects.requireNonNull(which, "which");
        if (closed) {
            throw new IllegalStateException("this hold is closed: it holds nothing, so it cannot release anything");
        }
        List<JobSnapshot> matching = holds.heldBy(this).stream().map(j -> Snapshots.job(j, JobSnapshot.State.HELD))
                .filter(which).toList();
        lifecycle.unhold(holds.letGo(this, which));
        return matching;
    }

    /** Releases everything this hold keeps and holds nothing more. Idempotent. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        holds.closed(this);
        lifecycle.unhold(holds.letGo(this, null));
    }

    public boolean isClosed() {
        return closed;
    }
}
