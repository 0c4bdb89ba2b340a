package dev.gear.geard;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the values of {@code geard}'s flags: integers, sizes and durations. Every error is an
 * {@link IllegalArgumentException} whose message names the flag, quotes the value and says what
 * was wrong with it (not a number, an unknown unit, negative, out of range), in the form
 * {@code geard} prints after {@code geard: error: }.
 *
 * <p>A size is a whole number of bytes, optionally followed by a binary unit: {@code K} or
 * {@code KiB} (1024), {@code M}/{@code MiB}, {@code G}/{@code GiB}, {@code B} (case does not
 * matter). Decimal units ({@code KB}, {@code MB}) are refused rather than guessed at. A duration is
 * a whole number followed by {@code ms}, {@code s}, {@code m} or {@code h}; without a unit it is
 * seconds, as {@code --keepalive-idle} and gearmand's keepalive flags count.
 */
final class FlagValues {
    private static final Pattern NUMBER_AND_UNIT = Pattern.compile("(-?)([0-9]+)\\s*([A-Za-z]*)");
    private static final String SIZE_UNITS = "K, M or G (or KiB, MiB, GiB; 1K = 1024 bytes), or B or none for bytes";
    private static final String DURATION_UNITS = "ms, s, m or h (seconds when there is none)";

    private FlagValues() {
    }

    /** A decimal integer in {@code [min, max]}. */
    static long integer(String flag, String value, long min, long max) {
        try {
            long n = Long.parseLong(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("argument " + flag + ": expected an integer from " + min + " to " + max
                + ", got '" + value + "'");
    }

    /**
     * A size in bytes in {@code [min, max]} ({@code min >= 0}), e.g. {@code 65536}, {@code 64K},
     * {@code 64MiB}.
     */
    static long size(String flag, String value, long min, long max) {
        Matcher m = NUMBER_AND_UNIT.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("argument " + flag + ": expected a size in bytes such as 65536, 64K"
                    + " or 64M, got '" + value + "'");
        }
        long multiplier = switch (m.group(3).toUpperCase(Locale.ROOT)) {
            case "", "B" -> 1;
            case "K", "KIB" -> 1L << 10;
            case "M", "MIB" -> 1L << 20;
            case "G", "GIB" -> 1L << 30;
            default -> throw new IllegalArgumentException("argument " + flag + ": unknown unit '" + m.group(3)
                    + "' in '" + value + "'; sizes take " + SIZE_UNITS);
        };
        if (!m.group(1).isEmpty() && !isZero(m.group(2))) {
            throw new IllegalArgumentException("argument " + flag + ": must not be negative, got '" + value + "'");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(Long.parseLong(m.group(2)), multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("argument " + flag + ": '" + value + "' is too large to count"
                    + " (more than 2^63-1 bytes)");
        }
        if (bytes < min || bytes > max) {
            throw new IllegalArgumentException("argument " + flag + ": expected " + sizeRange(min, max) + ", got '"
                    + value + "'" + (multiplier == 1 ? "" : " (" + bytes + " bytes)"));
        }
        return bytes;
    }

    /**
     * A non-negative duration, e.g. {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 60}
     * (seconds); zero only when {@code zeroAllowed}. No maximum below what a {@link Duration} holds.
     */
    static Duration duration(String flag, String value, boolean zeroAllowed) {
        Matcher m = NUMBER_AND_UNIT.matcher(value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("argument " + flag + ": expected a duration such as 500ms, 30s, 5m"
                    + " or 1h (seconds when no unit is given), got '" + value + "'");
        }
        ChronoUnit unit = switch (m.group(3)) {
            case "ms" -> ChronoUnit.MILLIS;
            case "", "s" -> ChronoUnit.SECONDS;
            case "m" -> ChronoUnit.MINUTES;
            case "h" -> ChronoUnit.HOURS;
            default -> throw new IllegalArgumentException("argument " + flag + ": unknown unit '" + m.group(3)
                    + "' in '" + value + "'; durations take " + DURATION_UNITS);
        };
        if (!m.group(1).isEmpty() && !isZero(m.group(2))) {
            throw new IllegalArgumentException("argument " + flag + ": must not be negative, got '" + value + "'");
        }
        Duration d;
        try {
            d = Duration.of(Long.parseLong(m.group(2)), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("argument " + flag + ": '" + value + "' is too long to count"
                    + " (more than 2^63-1 seconds)");
        }
        if (d.isZero() && !zeroAllowed) {
            throw new IllegalArgumentException("argument " + flag + ": must be positive, got '" + value + "'");
        }
        return d;
    }

    /** {@code bytes} as geard's help shows sizes: the largest binary unit that divides it ({@code 64M}). */
    /** gearmand's {@code -q} names, compared ignoring case: {@code libsqlite3} or {@code Postgres}. */
    static String queueType(String flag, String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "libsqlite3" -> "libsqlite3";
            case "postgres" -> "Postgres";
            default -> throw new IllegalArgumentException("argument " + flag + ": invalid choice: '" + value
                    + "' (choose from 'libsqlite3', 'Postgres'; gearmand's other queues are not supported)");
        };
    }

    static String formatSize(long bytes) {
        if (bytes != 0) {
            if (bytes % (1L << 30) == 0) {
                return (bytes >> 30) + "G";
            }
            if (bytes % (1L << 20) == 0) {
                return (bytes >> 20) + "M";
            }
            if (bytes % (1L << 10) == 0) {
                return (bytes >> 10) + "K";
            }
        }
        return Long.toString(bytes);
    }

    private static String sizeRange(long min, long max) {
        if (max == Long.MAX_VALUE) {
            return "a size of at least " + min + " bytes" + (min >= 1024 ? " (" + formatSize(min) + ")" : "");
        }
        return "a size from " + min + " to " + max + " bytes";
    }

    private static boolean isZero(String digits) {
        return digits.chars().allMatch(c -> c == '0');
    }
}
