package dev.gear.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The measured slices of one scenario on one server, added up: latencies of the jobs that finished
 * inside a slice (they make the rate), jobs that finished after it (they only count for CPU per
 * job: the server did that work while we watched its CPU), errors, and the server's CPU time.
 */
final class Tally {
    private final List<long[]> samples = new ArrayList<>();
    private long count;
    private long late;
    private long errors;
    private double seconds;
    private long cpuNanos;
    private long driverCpuNanos;

    /** {@code cpuNanos}: the server's CPU time over the window; {@code driverCpuNanos}: this JVM's (-1: unknown). */
    void add(long[] latencies, long late, long errors, double seconds, long cpuNanos, long driverCpuNanos) {
        samples.add(latencies);
        count += latencies.length;
        this.late += late;
        this.errors += errors;
        this.seconds += seconds;
        this.cpuNanos = this.cpuNanos < 0 || cpuNanos < 0 ? -1 : this.cpuNanos + cpuNanos;
        this.driverCpuNanos = this.driverCpuNanos < 0 || driverCpuNanos < 0 ? -1 : this.driverCpuNanos + driverCpuNanos;
    }

    void addErrors(long more) {
        errors += more;
    }

    long errors() {
        return errors;
    }

    Row row(String label, String note) {
        long[] all = new long[(int) count];
        int at = 0;
        for (long[] part : samples) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        Arrays.sort(all);
        double cpuPerJob = cpuNanos < 0 || count + late == 0 ? Double.NaN : cpuNanos / 1e3 / (count + late);
        double driverPerJob = driverCpuNanos < 0 || count + late == 0 ? Double.NaN
                : driverCpuNanos / 1e3 / (count + late);
        return new Row(label, seconds == 0 ? Double.NaN : count / seconds, Latencies.percentileMillis(all, 50),
                Latencies.percentileMillis(all, 99), Latencies.percentileMillis(all, 100), cpuPerJob, errors,
                Double.NaN, note, driverPerJob);
    }
}
