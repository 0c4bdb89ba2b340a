package dev.gear.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which scenarios a run selects: the minutes-long durable one only when asked for. */
class BenchOptionsTest {
    @Test
    void theDurableScenarioIsNotInTheDefaultRunButCanBeSelected() {
        assertThat(BenchOptions.parse().scenarios()).doesNotContain("durable")
                .containsExactlyElementsOf(BenchOptions.DEFAULT_SCENARIOS);
        assertThat(BenchOptions.parse("--quick").scenarios()).doesNotContain("durable");
        BenchOptions durable = BenchOptions.parse("--scenarios=durable,bg1m");
        assertThat(durable.scenarios()).as("table order").containsExactly("bg1m", "durable");
        assertThat(Scenarios.of(durable)).last().isInstanceOfSatisfying(DurableScenario.class,
                s -> assertThat(s.recoveryJobs()).isEqualTo(1_000_000));
        assertThat(Scenarios.of(BenchOptions.parse("--quick", "--scenarios=durable"))).singleElement()
                .isInstanceOfSatisfying(DurableScenario.class, s -> assertThat(s.recoveryJobs()).isEqualTo(100_000));
    }
}
