package dev.gear.bench;

import java.time.Duration;
import java.util.List;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.Precedence;

/**
 * Background submits: client threads submit background jobs back to back (each waits for its
 * JOB_CREATED), while workers take and complete them. Two rates: submits acknowledged per second,
 * and jobs drained per second, from the first submit of a slice until the workers finished its
 * last job (so a server that acknowledges fast but dispatches slowly shows here).
 */
final class BackgroundScenario implements Scenario {
    private static final long DRAIN_TIMEOUT_NANOS = Duration.ofSeconds(60).toNanos();
    private final int clients;
    private final int workers;
    private final int payloadBytes;

    BackgroundScenario(int clients, int workers, int payloadBytes) {
        this.clients = clients;
        this.workers = workers;
        this.payloadBytes = payloadBytes;
    }

    @Override
    public String id() {
        return "bg";
    }

    @Override
    public String title() {
        return "background submits, " + clients + " client threads / " + workers + " workers, "
                + Sizes.describe(payloadBytes);
    }

    @Override
    public Session open(Target target) {
        String function = "bench-bg-" + System.nanoTime();
        byte[] payload = Sizes.payload(payloadBytes);
        TimedLoop.Operation submit = client -> client.submitJob(new Job(function, payload), true, Precedence.NORMAL,
                REQUEST_TIMEOUT).handle() != null;
        List<Client> connected = TimedLoop.connect(target, clients);
        EchoWorkers drain = new EchoWorkers(target, function, workers, false);
        Outcomes totals = new Outcomes();
        return new Session() {
            private long drained;
            private double drainSeconds;

            @Override
            public void warmUp(Duration duration) throws InterruptedException {
                long before = drain.completed();
                TimedLoop.Outcome warm = TimedLoop.run(connected, duration, submit);
                awaitDrained(drain, before + warm.succeeded());
                if (warm.errors() > 0) {
                    waitQuiet(drain); // a submit that timed out may still have been queued
                }
            }

            @Override
            public void measure(Duration duration) throws InterruptedException {
                long before = drain.completed();
                TimedLoop.Outcome slice = TimedLoop.run(connected, duration, submit);
                awaitDrained(drain, before + slice.succeeded());
                totals.add(slice);
                drained += slice.succeeded();
                drainSeconds += (drain.lastCompletedNanos() - slice.startNanos()) / 1e9;
            }

            @Override
            public ScenarioResult result() {
                return new ScenarioResult(List.of(
                        Metric.rate("acked/s", totals.perSecond()),
                        Metric.time("submit p50 ms", totals.percentileMillis(50)),
                        Metric.time("submit p99 ms", totals.percentileMillis(99)),
                        Metric.rate("drained/s", drained / drainSeconds)),
                        totals.errors() + drain.errors());
            }

            @Override
            public void close() throws InterruptedException {
                connected.forEach(Client::close);
                drain.close();
            }
        };
    }

    /** Waits (polling the workers' counter; a benchmark, not a test) until {@code target} jobs are done. */
    private static void awaitDrained(EchoWorkers drain, long target) {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT_NANOS;
        while (drain.completed() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("workers completed " + drain.completed() + " of " + target
                        + " background jobs within 60 s");
            }
            GearmandTarget.sleepMillis(1);
        }
    }

    /** Lets the warm-up's queue run dry: no job completed for 200 ms. */
    private static void waitQuiet(EchoWorkers drain) {
        long last = drain.completed();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < 200_000_000L) {
            GearmandTarget.sleepMillis(10);
            long now = drain.completed();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
    }
}
