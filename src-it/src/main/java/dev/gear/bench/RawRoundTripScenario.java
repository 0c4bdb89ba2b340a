package dev.gear.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;

import dev.gear.bench.raw.RawClient;
import dev.gear.bench.raw.RawLoop;
import dev.gear.bench.raw.RawWorker;
import dev.gear.bench.raw.RunControl;

/**
 * Foreground round trips driven by the raw generator: {@code clients} connections each keep
 * {@code inFlight} SUBMIT_JOBs outstanding, {@code workers} worker connections echo the payload
 * back; all of them on {@code loops} selector threads. Measures the server, not our library.
 */
final class RawRoundTripScenario implements Scenario {
    private final String id;
    private final RoundTripShape shape;
    private final int loops;
    private final boolean distinctUniques;
    private final SSLContext tls;

    /** @param tls the client context for TLS connections, or null for plain TCP */
    RawRoundTripScenario(String id, RoundTripShape shape, int loops, boolean distinctUniques, SSLContext tls) {
        this.id = id;
        this.shape = shape;
        this.loops = loops;
        this.distinctUniques = distinctUniques;
        this.tls = tls;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String title() {
        return shape.describe() + (tls == null ? "" : ", TLS") + ", raw generator (" + loops + " selector thread" + (loops == 1 ? "" : "s") + ")";
    }

    @Override
    public Session open(Target target) {
        String function = "bench-" + id + "-" + System.nanoTime();
        byte[] payload = Sizes.payload(shape.payloadBytes());
        int buffer = Math.max(64 * 1024, Math.min(shape.inFlight() * (shape.payloadBytes() + 128), 8 << 20));
        List<RawLoop> threads = new ArrayList<>();
        for (int i = 0; i < loops; i++) {
            threads.add(new RawLoop("raw-" + id + "-" + target.name() + "-" + i));
        }
        AtomicLong workerErrors = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        List<RawClient> clients = new ArrayList<>();
        for (int i = 0; i < shape.workers(); i++) {
            threads.get(i % loops).connect(new RawWorker(function, Math.max(64 * 1024, 2 * shape.payloadBytes() + 1024),
                    completed, workerErrors), target.host(), target.port(), tls);
        }
        List<RawLoop> clientLoops = new ArrayList<>();
        for (int i = 0; i < shape.clients(); i++) {
            RawClient client = new RawClient(function, payload, shape.inFlight(), distinctUniques, buffer);
            RawLoop loop = threads.get(i % loops);
            loop.connect(client, target.host(), target.port(), tls);
            clients.add(client);
            clientLoops.add(loop);
        }
        return new TalliedSession(id) {
            @Override
            void run(Duration duration, Tally into) throws InterruptedException {
                RunControl control = new RunControl(clients.size());
                List<Latencies> latencies = new ArrayList<>();
                long cpu0 = target.cpuNanos();
                long driverCpu0 = DriverCpu.nanos();
                long start = System.nanoTime();
                long end = start + duration.toNanos();
                for (int i = 0; i < clients.size(); i++) {
                    Latencies samples = new Latencies();
                    latencies.add(samples);
                    RawClient client = clients.get(i);
                    clientLoops.get(i).execute(() -> client.start(control, samples, end));
                }
                boolean finished = control.await(duration.plus(REQUEST_TIMEOUT).toNanos(), TimeUnit.NANOSECONDS);
                long cpu1 = target.cpuNanos();
                long driverCpu1 = DriverCpu.nanos();
                // After a timeout the loops may still write to the samples: read none of them.
                long[] sorted = finished ? Latencies.mergeSorted(latencies) : new long[0];
                into.add(sorted, control.late(), control.errors() + (finished ? 0 : 1) + workerErrors.getAndSet(0),
                        duration.toNanos() / 1e9, cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0,
                        driverCpu0 < 0 || driverCpu1 < 0 ? -1 : driverCpu1 - driverCpu0);
            }

            @Override
            public void close() {
                threads.forEach(RawLoop::close);
            }
        };
    }
}
