package dev.gear.server;

/**
 * One function as the server sees it, the data behind the {@code status} and
 * {@code prioritystatus} admin commands.
 *
 * @param name         the function name (UTF-8)
 * @param total        queued (including held epoch jobs) plus running jobs, {@code status}'s TOTAL
 * @param running      jobs a worker is running
 * @param workers      worker registrations ({@code status}'s WORKERS)
 * @param queuedHigh   HIGH jobs waiting for a worker
 * @param queuedNormal NORMAL jobs waiting for a worker
 * @param queuedLow    LOW jobs waiting for a worker
 * @param delayed      SUBMIT_JOB_EPOCH jobs held until their time
 */
public record FunctionStatus(String name, int total, int running, int workers, int queuedHigh, int queuedNormal,
        int queuedLow, int delayed) {
    /** Jobs waiting for a worker, all priorities, without held epoch jobs. */
    public int queued() {
        return queuedHigh + queuedNormal + queuedLow;
    }
}
