package dev.gear.bench;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.bench.raw.RawLoop;
import dev.gear.bench.raw.RawWorker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link FanInJobScenario} through our library, as an application that makes a {@code Client} per
 * request writes it: {@code inFlight} threads each build a {@code Client} with the default builder,
 * add the server, wait for it, submit one job, wait for its result and close the client, until
 * {@code connections} requests were served. Raw workers answer, so the server side is the same as
 * the raw row's and the difference is the library's per-client cost.
 */
final class LibraryFanInScenario implements Scenario {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final int connections;
    private final int inFlight;
    private final int workers;

    LibraryFanInScenario(int connections, int inFlight, int workers) {
        this.connections = connections;
        this.inFlight = inFlight;
        this.workers = workers;
    }

    @Override
    public String id() {
        return "faninjob/lib";
    }

    @Override
    public String title() {
        return String.format(Locale.ROOT, "fan-in with a job per connection through our Client: a Client per"
                + " request (Client.builder().build(), addServer, waitForServer, submitJob, result, close), %,d per"
                + " round from %d threads, %d raw workers", connections, inFlight, workers);
    }

    @Override
    public Session open(Target target) {
        String function = "bench-faninjob-lib-" + System.nanoTime();
        byte[] payload = Sizes.payload(64);
        RawLoop loop = new RawLoop("raw-faninjob-lib-" + target.name());
        AtomicLong completed = new AtomicLong();
        AtomicLong workerErrors = new AtomicLong();
        for (int i = 0; i < workers; i++) {
            loop.connect(new RawWorker(function, 64 * 1024, completed, workerErrors), target.host(), target.port());
        }
        ExecutorService threads = Executors.newFixedThreadPool(inFlight);
        List<Long> roundNanos = new ArrayList<>();
        List<Latencies> samples = new ArrayList<>();
        long[] totals = new long[2]; // cpu nanos, errors
        return new Session() {
            private long[] round(Latencies latencies) throws InterruptedException {
                AtomicInteger left = new AtomicInteger(connections);
                AtomicLong errors = new AtomicLong();
                CountDownLatch finished = new CountDownLatch(inFlight);
                long start = System.nanoTime();
                for (int t = 0; t < inFlight; t++) {
                    threads.execute(() -> {
                        try {
                            while (left.getAndDecrement() > 0) {
                                long begun = System.nanoTime();
                                try (Client client = Client.builder().build()) {
                                    client.addServer(target.host(), target.port());
                                    client.waitForServer(WAIT);
                                    Job job = client.submitJob(new Job(function, payload));
                                    job.completion().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                                    synchronized (latencies) {
                                        latencies.add(System.nanoTime() - begun);
                                    }
                                } catch (Exception e) {
                                    errors.incrementAndGet();
                                }
                            }
                        } finally {
                            finished.countDown();
                        }
                    });
                }
                boolean all = finished.await(WAIT.toSeconds() * 4, TimeUnit.SECONDS);
                return new long[] {System.nanoTime() - start, errors.get() + (all ? 0 : 1)};
            }

            @Override
            public void warmUp(Duration duration) throws InterruptedException {
                Scenario.warmUpRounds(duration, () -> round(new Latencies()));
            }

            @Override
            public void measure(Duration duration) throws InterruptedException {
                Latencies latencies = new Latencies();
                long cpu0 = target.cpuNanos();
                long[] r = round(latencies);
                long cpu1 = target.cpuNanos();
                roundNanos.add(r[0]);
                samples.add(latencies);
                totals[0] = totals[0] < 0 || cpu0 < 0 || cpu1 < 0 ? -1 : totals[0] + cpu1 - cpu0;
                totals[1] += r[1] + workerErrors.getAndSet(0);
            }

            @Override
            public List<Row> rows() {
                long[] sorted = Latencies.mergeSorted(samples);
                double seconds = roundNanos.stream().mapToLong(Long::longValue).sum() / 1e9;
                long served = (long) connections * roundNanos.size();
                return List.of(new Row(id(), served / seconds, Latencies.percentileMillis(sorted, 50),
                        Latencies.percentileMillis(sorted, 99), Latencies.percentileMillis(sorted, 100),
                        totals[0] < 0 ? Double.NaN : totals[0] / 1e3 / served, totals[1],
                        "rate = requests per second, a Client each; max = worst request"));
            }

            @Override
            public void close() {
                threads.shutdownNow();
                loop.close();
            }
        };
    }
}
