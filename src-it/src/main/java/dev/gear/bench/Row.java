package dev.gear.bench;

/**
 * One line of the results: one scenario (or one phase of it) on one server. NaN where a number
 * does not apply (a background enqueue has no per-job latency).
 *
 * @param label       scenario id and phase ("rt", "bg1m drain")
 * @param perSecond   jobs (or connections) per second
 * @param p50Millis   median latency, submit to WORK_COMPLETE
 * @param p99Millis   99th percentile latency
 * @param maxMillis   worst latency
 * @param cpuMicros   server CPU time per job, µs (the server process's user+system time over the window)
 * @param errors      failed, wrong or timed-out jobs (should be 0)
 * @param heapBytesPerJob live heap per queued job (memory rows of JVM servers), else NaN
 * @param note        anything a reader must know to read the numbers (partial drain, ...), or ""
 * @param driverCpuMicros the load generator's CPU time per job, µs (this JVM's process CPU time over
 *                    the window: the raw generator's or our library's cost), NaN where not measured
 */
public record Row(String label, double perSecond, double p50Millis, double p99Millis, double maxMillis,
        double cpuMicros, long errors, double heapBytesPerJob, String note, double driverCpuMicros) {
    /** A row without a driver CPU figure. */
    Row(String label, double perSecond, double p50Millis, double p99Millis, double maxMillis, double cpuMicros,
            long errors, double heapBytesPerJob, String note) {
        this(label, perSecond, p50Millis, p99Millis, maxMillis, cpuMicros, errors, heapBytesPerJob, note, Double.NaN);
    }

    /** A row without a heap figure (all but the memory rows) and without a driver CPU figure. */
    Row(String label, double perSecond, double p50Millis, double p99Millis, double maxMillis, double cpuMicros,
            long errors, String note) {
        this(label, perSecond, p50Millis, p99Millis, maxMillis, cpuMicros, errors, Double.NaN, note, Double.NaN);
    }
}
