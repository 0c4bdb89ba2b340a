package dev.gear.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Connection fan-in: {@link RawFanIn} opens {@code connections} sockets at once from one thread,
 * each sends one ECHO_REQ and waits for its ECHO_RES; a round ends when every connection has been
 * answered. One round per measured slice; warm-up is one round (a round of 5 000 connections
 * already runs the accept path 5 000 times).
 */
final class FanInScenario implements Scenario {
    private final int connections;

    FanInScenario(int connections) {
        this.connections = connections;
    }

    @Override
    public String id() {
        return "fanin";
    }

    @Override
    public String title() {
        return String.format(Locale.ROOT, "fan-in: %,d connections opened at once from one thread, one ECHO each;"
                + " p50/p99/max = time to serve all of a round", connections);
    }

    @Override
    public Session open(Target target) {
        List<Long> rounds = new ArrayList<>();
        long[] totals = new long[2]; // cpu nanos, errors
        return new Session() {
            @Override
            public void warmUp(Duration duration) throws InterruptedException {
                Scenario.warmUpRounds(duration, () -> RawFanIn.round(target, connections));
            }

            @Override
            public void measure(Duration duration) {
                long cpu0 = target.cpuNanos();
                long[] round = RawFanIn.round(target, connections);
                long cpu1 = target.cpuNanos();
                rounds.add(round[0]);
                totals[0] = totals[0] < 0 || cpu0 < 0 || cpu1 < 0 ? -1 : totals[0] + cpu1 - cpu0;
                totals[1] += round[1];
            }

            @Override
            public List<Row> rows() {
                long[] sorted = rounds.stream().mapToLong(Long::longValue).sorted().toArray();
                double seconds = rounds.stream().mapToLong(Long::longValue).sum() / 1e9;
                long served = (long) connections * rounds.size();
                return List.of(new Row(id(), served / seconds, Latencies.percentileMillis(sorted, 50),
                        Latencies.percentileMillis(sorted, 99), Latencies.percentileMillis(sorted, 100),
                        totals[0] < 0 ? Double.NaN : totals[0] / 1e3 / served, totals[1],
                        "rate = connect+ECHO per second; latencies = whole rounds"));
            }

            @Override
            public void close() {
                // RawFanIn closes its sockets after every round
            }
        };
    }
}
