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

    /** How long to warm up each server, given the configured warm-up. */
    default Duration warmUpTime(Duration configured) {
        return configured;
    }

    /** One round of a round-based workload (the fan-ins): a whole storm of connections. */
    @FunctionalInterface
    interface Round {
        void run() throws InterruptedException;
    }

    /**
     * Warms up a round-based workload: rounds until {@code duration} has passed, at least one. One
     * round of 5 000 connections is over in well under a second, while a fresh server JVM's
     * compiler is still busy with the accept, set-up and close paths for seconds (the `rt` load of
     * the server warm-up never runs them); measured with the compiler still at work, a fan-in
     * counts the JIT's CPU as the server's per-connection cost.
     */
    static void warmUpRounds(Duration duration, Round round) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        do {
            round.run();
        } while (System.nanoTime() - end < 0);
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
