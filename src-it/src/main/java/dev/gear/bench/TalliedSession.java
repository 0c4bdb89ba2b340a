package dev.gear.bench;

import java.time.Duration;
import java.util.List;

/**
 * A session whose every run is the same timed workload: warm-up runs are thrown away, measured
 * runs add up in one {@link Tally}, reported as one row under the scenario's id.
 */
abstract class TalliedSession implements Scenario.Session {
    private final String label;
    private final Tally tally = new Tally();

    TalliedSession(String label) {
        this.label = label;
    }

    /** Runs the workload for {@code duration} and adds what it measured to {@code into}. */
    abstract void run(Duration duration, Tally into) throws InterruptedException;

    @Override
    public final void warmUp(Duration duration) throws InterruptedException {
        run(duration, new Tally());
    }

    @Override
    public final void measure(Duration duration) throws InterruptedException {
        run(duration, tally);
    }

    @Override
    public final List<Row> rows() {
        return List.of(tally.row(label, ""));
    }
}
