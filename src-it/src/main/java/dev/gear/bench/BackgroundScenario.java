package dev.gear.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.gear.bench.raw.RawBackgroundClient;
import dev.gear.bench.raw.RawLoop;
import dev.gear.bench.raw.RawWorker;

/**
 * Background enqueue, then drain, with the raw generator: {@code clients} connections pipeline
 * {@code jobs} SUBMIT_JOB_BG in all (enqueue rate: first submit to last JOB_CREATED, no worker
 * connected, so the queue only grows), then {@code workers} echo workers connect and take them all
 * (drain rate: workers connected to last WORK_COMPLETE written). A one-shot workload: one run per
 * server. Optionally measures the server's memory at full depth in between.
 *
 * <p>A drain that has not finished within {@code drainLimit} is reported as a partial rate (the
 * jobs left stay queued: run this scenario last).
 */
final class BackgroundScenario implements Scenario {
    private static final int WINDOW = 1000;
    private static final long WARM_UP_JOBS = 20_000;
    private final String id;
    private final long jobs;
    private final int clients;
    private final int workers;
    private final int payloadBytes;
    private final Duration drainLimit;
    private final boolean measureMemory;
    private final boolean distinctUniques;

    BackgroundScenario(String id, long jobs, int clients, int workers, int payloadBytes, Duration drainLimit,
            boolean measureMemory) {
        this(id, jobs, clients, workers, payloadBytes, drainLimit, measureMemory, false);
    }

    /** @param distinctUniques every job with a unique id of its own (a durable queue's key), else none */
    BackgroundScenario(String id, long jobs, int clients, int workers, int payloadBytes, Duration drainLimit,
            boolean measureMemory, boolean distinctUniques) {
        this.distinctUniques = distinctUniques;
        this.id = id;
        this.jobs = jobs;
        this.clients = clients;
        this.workers = workers;
        this.payloadBytes = payloadBytes;
        this.drainLimit = drainLimit;
        this.measureMemory = measureMemory;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String title() {
        return String.format(Locale.ROOT, "background: enqueue %,d jobs of %s%s from %d pipelined connections, then"
                + " drain them with %d workers, raw generator", jobs, Sizes.describe(payloadBytes),
                distinctUniques ? " with distinct unique ids" : "", clients, workers);
    }

    @Override
    public int slices(int configured) {
        return 1;
    }

    @Override
    public Session open(Target target) {
        RawLoop loop = new RawLoop("raw-" + id + "-" + target.name());
        List<Row> rows = new ArrayList<>();
        return new Session() {
            @Override
            public void warmUp(Duration duration) throws InterruptedException {
                if (!duration.isZero()) {
                    once(Math.min(jobs, WARM_UP_JOBS), false, new ArrayList<>());
                }
            }

            @Override
            public void measure(Duration duration) throws InterruptedException {
                once(jobs, measureMemory, rows);
            }

            private void once(long count, boolean memory, List<Row> into) throws InterruptedException {
                String function = "bench-" + id + "-" + System.nanoTime();
                byte[] payload = Sizes.payload(payloadBytes);
                AtomicLong errors = new AtomicLong();
                List<RawBackgroundClient> submitters = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    RawBackgroundClient client = new RawBackgroundClient(function, payload, WINDOW, distinctUniques,
                            (long) i * (count + 1), errors);
                    loop.connect(client, target.host(), target.port());
                    submitters.add(client);
                }
                MemoryProbe.Reading baseline = memory ? MemoryProbe.read(target) : null;

                CountDownLatch enqueued = new CountDownLatch(clients);
                long cpu0 = target.cpuNanos();
                long t0 = System.nanoTime();
                for (int i = 0; i < clients; i++) {
                    RawBackgroundClient client = submitters.get(i);
                    long share = count / clients + (i < count % clients ? 1 : 0);
                    loop.execute(() -> client.enqueue(share, enqueued));
                }
                boolean allCreated = enqueued.await(REQUEST_TIMEOUT.toSeconds() + count / 10_000, TimeUnit.SECONDS);
                long t1 = System.nanoTime();
                long cpu1 = target.cpuNanos();
                long enqueueErrors = errors.getAndSet(0) + (allCreated ? 0 : 1);
                into.add(new Row(id + " enqueue", count / ((t1 - t0) / 1e9), Double.NaN, Double.NaN, Double.NaN,
                        cpuMicros(cpu0, cpu1, count), enqueueErrors, ""));

                String memoryNote = "";
                if (memory) {
                    MemoryProbe.Reading full = MemoryProbe.read(target);
                    memoryNote = MemoryProbe.describe(baseline, full, count);
                    into.add(new Row(id + " memory", Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0,
                            (full.heapBytes() - baseline.heapBytes()) / count, memoryNote));
                }

                AtomicLong completed = new AtomicLong();
                List<RawWorker> drainers = new ArrayList<>();
                long cpu2 = target.cpuNanos();
                long t2 = System.nanoTime();
                for (int i = 0; i < workers; i++) {
                    RawWorker worker = new RawWorker(function, 64 * 1024, completed, errors);
                    loop.connect(worker, target.host(), target.port());
                    drainers.add(worker);
                }
                long deadline = t2 + drainLimit.toNanos();
                while (completed.get() < count && System.nanoTime() < deadline && errors.get() == 0) {
                    Thread.sleep(1); // a benchmark's poll, at 1 ms against drains of seconds
                }
                long t3 = System.nanoTime();
                long cpu3 = target.cpuNanos();
                long drained = completed.get();
                loop.call(() -> drainers.forEach(RawWorker::close));
                loop.call(() -> submitters.forEach(RawBackgroundClient::close));
                String note = drained < count ? String.format(Locale.ROOT,
                        "partial: %,d of %,d drained in the %d s limit", drained, count, drainLimit.toSeconds()) : "";
                into.add(new Row(id + " drain", drained / ((t3 - t2) / 1e9), Double.NaN, Double.NaN, Double.NaN,
                        cpuMicros(cpu2, cpu3, drained), errors.get(), note));
            }

            @Override
            public List<Row> rows() {
                return rows;
            }

            @Override
            public void close() {
                loop.close();
            }
        };
    }

    private static double cpuMicros(long cpuBefore, long cpuAfter, long count) {
        return cpuBefore < 0 || cpuAfter < 0 || count == 0 ? Double.NaN : (cpuAfter - cpuBefore) / 1e3 / count;
    }
}
