package dev.gear.testkit;

/**
 * What happens to a job submitted when neither a worker nor a stub can take its function.
 *
 * @since 0.1
 */
public enum UnmatchedPolicy {
    /** The job waits in its queue for a worker, as on a real server. The default. */
    QUEUE,
    /** The server answers WORK_FAIL at once (the test kit's stub worker takes and fails it). */
    FAIL_FAST,
    /**
     * The job waits like {@link #QUEUE}, and is recorded as a
     * {@link JournalEvent.JobUnmatched}; {@link EmbeddedGearmanServer#verifyNoUnmatchedJobs()}
     * then fails listing them (call it after each test).
     */
    REPORT
}
