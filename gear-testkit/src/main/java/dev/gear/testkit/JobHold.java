package dev.gear.testkit;

import dev.gear.testkit.internal.Holds;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An open hold on the test server's queue, from {@link EmbeddedGearmanServer#holdJobs(JobCriteria)}:
 * jobs matching its criteria that are queued from then on are {@link JobState#HELD} instead, kept
 * from every worker (a GRAB gets NO_JOB or other work, a sleeping worker is not woken for them)
 * until the test releases them. This is what Zuul's and Nodepool's test servers do with
 * {@code hold_jobs_in_queue} and {@code release(regex)}.
 *
 * <p>Held jobs show in {@link EmbeddedGearmanServer#snapshot()} (state {@code HELD}), in the journal
 * ({@link JournalEvent.JobHeld}, {@link JournalEvent.JobReleased}) and are counted as queued by the
 * admin {@code status} command. Several holds may be open; a job stays held while any hold that
 * took it is open and has not released it. Jobs queued before the hold opened are not taken.
 *
 * <p>A hold ends with {@link #close()} (which releases what it still holds),
 * {@link EmbeddedGearmanServer#reset()}, {@link EmbeddedGearmanServer#restart()} or the server's
 * close. Thread-safe.
 *
 * @since 0.2
 */
public final class JobHold implements AutoCloseable {
    private final Holds.Open open;
    private final JobCriteria criteria;

    JobHold(Holds.Open open, JobCriteria criteria) {
        this.open = open;
        this.criteria = criteria;
    }

    /** The criteria jobs must match to be held. */
    public JobCriteria criteria() {
        return criteria;
    }

    /** The jobs this hold keeps now, in the order they were submitted (state {@link JobState#HELD}). */
    public List<RecordedJob> held() {
        return open.held();
    }

    /**
     * Waits, with the server's default timeout, until this hold keeps at least {@code count} jobs.
     *
     * @see #awaitHeld(int, Duration)
     */
    public List<RecordedJob> awaitHeld(int count) {
        return awaitHeld(count, null);
    }

    /**
     * Waits until this hold keeps at least {@code count} jobs and returns those it keeps, in the
     * order they were submitted.
     *
     * @throws AssertionError on timeout, listing what the hold keeps and every job the journal saw
     */
    public List<RecordedJob> awaitHeld(int count, Duration timeout) {
        return open.awaitHeld(count, timeout);
    }

    /**
     * Lets go of the held jobs that match {@code which}: those no other open hold keeps go back to
     * their queues in their original place (priority, then submission order) and sleeping workers
     * are woken. Returns the jobs let go, as they were while held.
     *
     * @throws IllegalStateException when this hold is closed
     */
    public List<RecordedJob> release(JobCriteria which) {
        return open.release(Objects.requireNonNull(which, "which"));
    }

    /** Releases every job this hold keeps (as {@link #release(JobCriteria)}) and holds nothing more. Idempotent. */
    @Override
    public void close() {
        open.close();
    }

    @Override
    public String toString() {
        return open.toString();
    }
}
