package dev.gear.testkit.internal;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Durations as the test kit's messages print them: {@code 300 ms}, {@code 5 s}, {@code 1.5 s},
 * never ISO-8601's {@code PT0.3S}, which a reader has to decode.
 */
public final class Durations {
    private Durations() {
    }

    /** {@code 300 ms} below a second, else seconds with up to three decimals ({@code 2 s}, {@code 1.25 s}). */
    public static String human(Duration d) {
        if (d.isNegative()) {
            return "-" + human(d.negated());
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            long nanos = d.toNanos();
            return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + " ms"
                    : BigDecimal.valueOf(nanos, 6).stripTrailingZeros().toPlainString() + " ms";
        }
        BigDecimal seconds = BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros();
        return seconds.toPlainString() + " s";
    }
}
