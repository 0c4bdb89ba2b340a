package dev.gear.bench;

import dev.gear.bench.raw.RawLoop;
import dev.gear.bench.raw.RawWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Short-lived clients with a job each ({@link RawFanInJobs}): {@code connections} per round, at
 * most {@code inFlight} at a time, answered by {@code workers} raw workers. One round per measured
 * slice. The rate is jobs (connections) per second; latencies are per connection, connect to
 * result, and the max is the worst connection of the run.
 */
final class FanInJobScenario implements Scenario {
    private final int connections;
    private final int inFlight;
    private final int workers;

    FanInJobScenario(int connections, int inFlight, int workers) {
        this.connections = connections;
        this.inFlight = inFlight;
        this.workers = workers;
    }

    @Override
    public String id() {
        return "faninjob";
    }

    @Override
    public String title() {
        return String.format(Locale.ROOT, "fan-in with a job per connection: %,d connections per round, %d in"
                + " flight (connect, SUBMIT_JOB, WORK_COMPLETE, close), %d workers, raw generator;"
                + " latencies per connection", connections, inFlight, workers);
    }

    @Override
    public Session open(Target target) {
        String function = "bench-faninjob-" + System.nanoTime();
        byte[] payload = Sizes.payload(64);
        RawLoop loop = new RawLoop("raw-faninjob-" + target.name());
        AtomicLong completed = new AtomicLong();
        AtomicLong workerErrors = new AtomicLong();
        for (int i = 0; i < workers; i++) {
            loop.connect(new RawWorker(function, 64 * 1024, completed, workerErrors), target.host(), target.port());
        }
        List<long[]> rounds = new ArrayList<>();
        List<Latencies> samples = new ArrayList<>();
        long[] totals = new long[2]; // cpu nanos, errors
        return new Session() {
            @Override
            public void warmUp(Duration duration) throws InterruptedException {
                Scenario.warmUpRounds(duration,
                        () -> RawFanInJobs.round(target, function, payload, connections, inFlight, new Latencies()));
            }

            @Override
            public void measure(Duration duration) {
                Latencies latencies = new Latencies();
                long cpu0 = target.cpuNanos();
                long[] round = RawFanInJobs.round(target, function, payload, connections, inFlight, latencies);
                long cpu1 = target.cpuNanos();
                rounds.add(round);
                samples.add(latencies);
                totals[0] = totals[0] < 0 || cpu0 < 0 || cpu1 < 0 ? -1 : totals[0] + cpu1 - cpu0;
                totals[1] += round[1] + workerErrors.getAndSet(0);
            }

            @Override
            public List<Row> rows() {
                long[] sorted = Latencies.mergeSorted(samples);
                double seconds = rounds.stream().mapToLong(r -> r[0]).sum() / 1e9;
                long served = (long) connections * rounds.size();
                return List.of(new Row(id(), served / seconds, Latencies.percentileMillis(sorted, 50),
                        Latencies.percentileMillis(sorted, 99), Latencies.percentileMillis(sorted, 100),
                        totals[0] < 0 ? Double.NaN : totals[0] / 1e3 / served, totals[1],
                        "rate = short-lived clients (one job each) per second; max = worst connection"));
            }

            @Override
            public void close() {
                loop.close();
            }
        };
    }
}
