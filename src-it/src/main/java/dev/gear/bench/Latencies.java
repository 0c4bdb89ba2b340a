package dev.gear.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Every sample of one thread, in nanoseconds (no histogram buckets: a few hundred thousand longs
 * are cheap, and percentiles are then exact). Not thread-safe: one per thread, merged at the end.
 */
public final class Latencies {
    private long[] samples = new long[1 << 14];
    private int size;

    public void add(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    public int size() {
        return size;
    }

    /** All samples of {@code parts}, sorted. */
    public static long[] mergeSorted(List<Latencies> parts) {
        int total = parts.stream().mapToInt(Latencies::size).sum();
        long[] all = new long[total];
        int at = 0;
        for (Latencies part : parts) {
            System.arraycopy(part.samples, 0, all, at, part.size);
            at += part.size;
        }
        Arrays.sort(all);
        return all;
    }

    /** The {@code p}-th percentile (nearest rank) of sorted samples, in milliseconds; NaN when empty. */
    static double percentileMillis(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }
}
