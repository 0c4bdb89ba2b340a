package dev.gear.internal.client;

import java.time.Duration;

/** Deadlines as {@link System#nanoTime()} values, safe for any {@link Duration}. */
final class Deadlines {
    /** About 73 years, as the event loop caps timers: far enough to mean never, near enough not to overflow. */
    private static final long MAX_NANOS = Long.MAX_VALUE / 4;

    private Deadlines() {
    }

    /** {@code System.nanoTime()} + {@code timeout}, with negative timeouts as 0 and huge ones capped. */
    static long after(Duration timeout) {
        long nanos;
        try {
            nanos = Math.min(MAX_NANOS, Math.max(0, timeout.toNanos()));
        } catch (ArithmeticException e) {
            nanos = timeout.isNegative() ? 0 : MAX_NANOS;
        }
        return System.nanoTime() + nanos;
    }
}
