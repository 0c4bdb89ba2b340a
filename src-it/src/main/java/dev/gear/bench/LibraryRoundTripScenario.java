package dev.gear.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.Precedence;
import dev.gear.Worker;
import dev.gear.WorkerInterruptedException;
import dev.gear.WorkerJob;
import dev.gear.GearmanException;

/**
 * The round-trip load of {@link RawRoundTripScenario} driven by our library instead: one
 * {@link Client} per client connection keeps {@code inFlight} jobs outstanding through
 * {@code submitJobAsync} (a thread per client hands out permits), one {@link Worker} per worker
 * (a thread each, {@code getJob} then {@code sendWorkComplete} with the payload). Compared with
 * the raw generator on the same server, this shows what the library costs.
 */
final class LibraryRoundTripScenario implements Scenario {
    private final String id;
    private final RoundTripShape shape;

    LibraryRoundTripScenario(String id, RoundTripShape shape) {
        this.id = id;
        this.shape = shape;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String title() {
        return shape.describe() + ", our Client/Worker library";
    }

    @Override
    public Session open(Target target) {
        String function = "bench-" + id + "-" + System.nanoTime();
        byte[] payload = Sizes.payload(shape.payloadBytes());
        AtomicLong workerErrors = new AtomicLong();
        List<Worker> workers = new ArrayList<>();
        List<Thread> workerThreads = new ArrayList<>();
        for (int i = 0; i < shape.workers(); i++) {
            Worker worker = Worker.builder().clientId("bench-worker-" + i).build();
            worker.addServer(target.host(), target.port());
            worker.waitForServer(Duration.ofSeconds(10));
            worker.registerFunction(function);
            workers.add(worker);
            Thread thread = new Thread(() -> echo(worker, workerErrors), "bench-worker-" + i);
            thread.setDaemon(true);
            thread.start();
            workerThreads.add(thread);
        }
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < shape.clients(); i++) {
            Client client = Client.builder().clientId("bench-client-" + i).requestTimeout(REQUEST_TIMEOUT).build();
            client.addServer(target.host(), target.port());
            clients.add(client);
        }
        clients.forEach(c -> c.waitForServer(Duration.ofSeconds(10)));
        Tally tally = new Tally();
        return new Session() {
            @Override
            public void warmUp(Duration duration) throws InterruptedException {
                run(duration, new Tally());
            }

            @Override
            public void measure(Duration duration) throws InterruptedException {
                run(duration, tally);
            }

            private void run(Duration duration, Tally into) throws InterruptedException {
                long cpu0 = target.cpuNanos();
                long end = System.nanoTime() + duration.toNanos();
                AtomicLong errors = new AtomicLong();
                AtomicLong late = new AtomicLong();
                List<Latencies> latencies = new ArrayList<>();
                List<Thread> drivers = new ArrayList<>();
                for (int i = 0; i < clients.size(); i++) {
                    Latencies samples = new Latencies();
                    latencies.add(samples);
                    Client client = clients.get(i);
                    Thread driver = new Thread(() -> drive(client, function, payload, end, samples, errors, late),
                            "bench-driver-" + i);
                    driver.start();
                    drivers.add(driver);
                }
                for (Thread driver : drivers) {
                    driver.join();
                }
                long cpu1 = target.cpuNanos();
                into.add(Latencies.mergeSorted(latencies), late.get(), errors.get() + workerErrors.getAndSet(0),
                        duration.toNanos() / 1e9, cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0);
            }

            @Override
            public List<Row> rows() {
                return List.of(tally.row(id, ""));
            }

            @Override
            public void close() throws InterruptedException {
                clients.forEach(Client::close);
                workers.forEach(Worker::close);
                for (Thread thread : workerThreads) {
                    thread.join(10_000);
                }
            }
        };
    }

    /**
     * Keeps {@code inFlight} jobs outstanding on {@code client} until {@code end}, then waits for the
     * last of them. Results are recorded on the client's I/O thread, the only writer of
     * {@code samples} until the permits are all back (which publishes them to this thread).
     */
    private void drive(Client client, String function, byte[] payload, long end, Latencies samples, AtomicLong errors,
            AtomicLong late) {
        Semaphore permits = new Semaphore(shape.inFlight());
        try {
            while (true) {
                if (!permits.tryAcquire(REQUEST_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
                    errors.incrementAndGet();
                    return;
                }
                long start = System.nanoTime();
                if (start >= end) {
                    permits.release();
                    break;
                }
                client.submitJobAsync(new Job(function, payload), false, Precedence.NORMAL, REQUEST_TIMEOUT)
                        .thenCompose(Job::completion)
                        .whenComplete((job, failure) -> {
                            long now = System.nanoTime();
                            if (failure != null || job.isFailure() || job.dataBytes().length != payload.length) {
                                errors.incrementAndGet();
                            } else if (now <= end) {
                                synchronized (samples) {
                                    samples.add(now - start);
                                }
                            } else {
                                late.incrementAndGet();
                            }
                            permits.release();
                        });
            }
            if (!permits.tryAcquire(shape.inFlight(), REQUEST_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
                errors.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A worker thread: echo every job until the worker is closed. */
    private static void echo(Worker worker, AtomicLong errors) {
        while (true) {
            WorkerJob job;
            try {
                job = worker.getJob();
            } catch (WorkerInterruptedException closed) {
                return;
            } catch (GearmanException e) {
                errors.incrementAndGet();
                return;
            }
            try {
                job.sendWorkComplete(job.arguments());
            } catch (GearmanException e) {
                errors.incrementAndGet();
            }
        }
    }
}
