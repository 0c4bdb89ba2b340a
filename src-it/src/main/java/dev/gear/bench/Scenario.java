package dev.gear.bench;

import java.time.Duration;
import java.util.List;

/**
 * One workload, run the same way against each server. The benchmark opens a {@link Session} on
 * every server, warms them all up, then measures in slices that alternate between the servers,
 * so that load from elsewhere on the machine, which drifts, lands on all alike.
 */
interface Scenario {
    /** Every wait for a server's answer in a scenario ends after this (a hung server shows as errors). */
    Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** Short id used on the command line ({@code --scenarios=rt,floor}) and in the table. */
    String id();

    /** What runs, in a few words ("4 clients x 16 in flight, 4 workers, 64 B, raw"). */
    String title();

    /**
     * How many measured slices per server: the configured number for steady-state workloads;
     * 1 for one-shot workloads (enqueue a million jobs, then drain them).
     */
    default int slices(int configured) {
        return configured;
    }

    /** Connects this scenario's clients and workers to {@code target}. */
    Session open(Target target) throws InterruptedException;

    /** The scenario's clients and workers on one server, and what they measured so far. */
    interface Session extends AutoCloseable {
        /** Runs the workload without recording anything. */
        void warmUp(Duration duration) throws InterruptedException;

        /** Runs the workload for about {@code duration} and adds what it measured to this session's totals. */
        void measure(Duration duration) throws InterruptedException;

        /** The totals of every {@link #measure} so far: one row, or one per phase. */
        List<Row> rows();

        @Override
        void close() throws InterruptedException;
    }
}
