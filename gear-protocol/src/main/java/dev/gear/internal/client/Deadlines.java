package dev.gear.internal.client;

import dev.gear.GearmanTimeoutException;
import java.time.Duration;

/**
 * Deadlines as {@link System#nanoTime()} values, safe for any {@link Duration}, and the one
 * wording of "no answer in time" that every timed request ({@link Exchange}, {@link Submission})
 * uses.
 */
final class Deadlines {
    /** About 73 years, as the event loop caps timers: far enough to mean never, near enough not to overflow. */
    private static final long MAX_NANOS = Long.MAX_VALUE / 4;

    private Deadlines() {
    }

    /** {@code System.nanoTime()} + {@code timeout}, with negative timeouts as 0 and huge ones capped. */
    static long after(Duration timeout) {
        return System.nanoTime() + nanos(timeout);
    }

    /** {@code timeout} in nanoseconds, negative as 0 and huge ones capped. */
    static long nanos(Duration timeout) {
        try {
            return Math.min(MAX_NANOS, Math.max(0, timeout.toNanos()));
        } catch (ArithmeticException e) {
            return timeout.isNegative() ? 0 : MAX_NANOS;
        }
    }

    /** The failure of a request {@code what} that {@code link} did not answer within {@code waitedNanos}. */
    static GearmanTimeoutException noAnswer(String what, ServerLink<?> link, long waitedNanos, String suffix) {
        return new GearmanTimeoutException(what + " on " + link + " got no answer within "
                + Duration.ofNanos(waitedNanos).toMillis() + " ms" + suffix);
    }
}
