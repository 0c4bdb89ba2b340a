package dev.gear.testkit;

/**
 * Where a job is in its life, as folded from the journal.
 *
 * @since 0.1
 */
public enum JobState {
    /** Submitted and waiting for a worker (again, after a requeue). */
    QUEUED,
    /**
     * Submitted, but kept from every worker by an open {@link JobHold} until it is released
     * (see {@link EmbeddedGearmanServer#holdJobs(JobCriteria)}); admin {@code status} counts it as queued.
     */
    HELD,
    /** Assigned to a worker or stub that has not finished it. */
    RUNNING,
    /** WORK_COMPLETE. */
    COMPLETED,
    /** WORK_FAIL, from the worker or from the server (worker lost, fail-fast policy). */
    FAILED,
    /** WORK_EXCEPTION. */
    EXCEPTION,
    /** Cancelled through the admin protocol. */
    CANCELLED,
    /** Gone without a result: dropped with its client or its worker, per the server's policy. */
    DROPPED;

    /** Whether the job can no longer change. */
    public boolean isTerminal() {
        return this != QUEUED && this != HELD && this != RUNNING;
    }
}
