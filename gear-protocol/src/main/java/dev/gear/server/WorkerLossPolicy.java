package dev.gear.server;

/**
 * What the server does with the jobs a worker was running when its connection is lost (or when
 * its {@code CAN_DO_TIMEOUT} expires, which is always a requeue).
 *
 * <p>The default, {@link #DEFAULT}, fails foreground jobs (their clients get {@code WORK_FAIL})
 * and requeues background jobs, which have nobody to tell and must never be silently lost.
 * {@link #requeueAll()} is gearmand's behaviour: every job goes back to the tail of its queue with
 * the same handle, and clients keep waiting. A retry cap bounds how often one job may be
 * requeued: once a job has been lost more than {@code maxRetries} times its clients get
 * {@code WORK_FAIL} and the job is dropped (gearmand's {@code -j N}).
 *
 * @param requeueForeground whether foreground jobs are requeued too (else their clients get WORK_FAIL)
 * @param maxRetries        how many requeues one job may have; negative means unlimited
 */
public record WorkerLossPolicy(boolean requeueForeground, int maxRetries) {
    /** Foreground jobs fail, background jobs are requeued without limit. */
    public static final WorkerLossPolicy DEFAULT = new WorkerLossPolicy(false, -1);

    /** gearmand's behaviour: every job is requeued, without limit. */
    public static WorkerLossPolicy requeueAll() {
        return new WorkerLossPolicy(true, -1);
    }

    /** Every job is requeued at most {@code maxRetries} times; after that its clients get WORK_FAIL. */
    public static WorkerLossPolicy requeueAll(int maxRetries) {
        return new WorkerLossPolicy(true, checkRetries(maxRetries));
    }

    /** This policy with a retry cap ({@code maxRetries} ≥ 0). */
    public WorkerLossPolicy withMaxRetries(int maxRetries) {
        return new WorkerLossPolicy(requeueForeground, checkRetries(maxRetries));
    }

    /** Whether a job that has already been requeued {@code retries} times may be requeued again. */
    public boolean allowsRetry(int retries) {
        return maxRetries < 0 || retries < maxRetries;
    }

    private static int checkRetries(int maxRetries) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
        }
        return maxRetries;
    }
}
