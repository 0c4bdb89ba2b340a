package dev.gear.bench;

import java.time.Duration;

/**
 * One workload, run the same way against each server. The benchmark opens a {@link Session} on
 * every server, warms them all up, then measures in slices that alternate between the servers,
 * so that load from elsewhere on the machine, which drifts, lands on both alike.
 */
interface Scenario {
    /** Every wait for a server's answer in a scenario ends after this (a hung server shows as errors). */
    Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** Short id used on the command line ({@code --scenarios=fg1,bg}). */
    String id();

    /** What runs, for the table ("foreground, 1 client thread / 1 worker, 32 B each way"). */
    String title();

    /** Connects this scenario's clients and workers to {@code target}. */
    Session open(Target target) throws InterruptedException;

    /** The scenario's clients and workers on one server, and what they measured so far. */
    interface Session extends AutoCloseable {
        /** Runs the workload without recording anything. */
        void warmUp(Duration duration) throws InterruptedException;

        /** Runs the workload and adds what it measured to this session's totals. */
        void measure(Duration duration) throws InterruptedException;

        /** The totals of every {@link #measure} so far. */
        ScenarioResult result();

        @Override
        void close() throws InterruptedException;
    }
}
