package dev.gear.bench;

/** A Gearman server under benchmark, listening on loopback; closing it stops it. */
interface Target extends AutoCloseable {
    /** Short name for the results table. */
    String name();

    /** One line saying exactly what runs (version, flags). */
    String description();

    String host();

    int port();

    /**
     * CPU time the server has used so far (all its threads; for the embedded server its event-loop
     * thread), in nanoseconds, or -1 when unknown. Process CPU times come from {@code /proc} in
     * clock ticks (10 ms), so short slices are coarse.
     */
    long cpuNanos();

    /** The server's process id, or -1 when it runs inside this JVM (its memory cannot be told apart). */
    default long pid() {
        return -1;
    }

    /** Whether the server process is a JVM (so {@code jcmd} can measure its heap). */
    default boolean isJvm() {
        return false;
    }

    /** CPU time of {@code process} so far, or -1 when the OS does not say. */
    static long cpuNanos(Process process) {
        return process.toHandle().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    @Override
    void close();
}
