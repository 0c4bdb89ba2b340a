package dev.gear.bench;

import java.util.List;

/**
 * A scenario that needs servers started its own way (with TLS material, with a queue store):
 * {@link Benchmark} asks it for them instead of using the run's plain servers, and closes them
 * with the scenario.
 */
interface OwnServersScenario extends Scenario {
    /** Servers of the same kinds as {@code plain}, started for this scenario (some kinds may be left out). */
    List<Target> targets(List<Target> plain);

    /** Stops the servers {@link #targets} started and deletes their files. */
    void close();
}
