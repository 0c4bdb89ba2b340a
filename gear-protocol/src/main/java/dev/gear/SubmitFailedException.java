package dev.gear;

import java.util.List;

/**
 * A submit failed on every connected server it was tried on (gear's "Unable to submit job to any
 * connected servers"): with failover ({@link Client.Builder#failover(boolean)}, the default) a
 * submit moves on to the next connected server when one answers ERROR, loses its connection or
 * gives no answer in time, and this exception ends it once each was tried. {@link #attempts()}
 * lists every server tried, in order, with what it answered; the message says the same.
 *
 * <p>Thrown only when at least two servers were tried. With one connected server nothing could
 * fail over, and the submit fails with that server's own exception, as without failover
 * ({@link GearmanErrorException}, {@link GearmanTimeoutException}, {@link ConnectionException}),
 * so code written against one server sees the exceptions it always saw. Catch
 * {@link GearmanException} to handle both.
 */
public final class SubmitFailedException extends GearmanException {
    private static final long serialVersionUID = 1L;

    /**
     * One server tried and how it failed.
     *
     * @param server {@code host:port}
     * @param error  what it answered: a {@link GearmanErrorException} (its ERROR code and text), a
     *               {@link GearmanTimeoutException} (no answer in its share of the timeout), or a
     *               {@link ConnectionException} (the connection was lost or could not take the request)
     */
    public record Attempt(String server, GearmanException error) {
    }

    private final transient List<Attempt> attempts;

    /**
     * @param job      names the job in the message
     * @param attempts every server tried, in order (at least one)
     */
    public SubmitFailedException(String job, List<Attempt> attempts) {
        super(message(job, attempts), attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).error());
        this.attempts = List.copyOf(attempts);
    }

    /** Every server tried, in the order tried, with what it answered. */
    public List<Attempt> attempts() {
        return attempts;
    }

    private static String message(String job, List<Attempt> attempts) {
        StringBuilder sb = new StringBuilder("Unable to submit job ").append(job).append(" to any connected server; tried ")
                .append(attempts.size()).append(':');
        for (Attempt a : attempts) {
            sb.append(' ').append(a.server()).append(" -> ").append(a.error().getMessage()).append(';');
        }
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }
}
