package dev.gear.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.Precedence;
import dev.gear.SharedIoThread;
import dev.gear.Worker;
import dev.gear.WorkerInterruptedException;
import dev.gear.WorkerJob;
import dev.gear.GearmanException;

/**
 * The round-trip load of {@link RawRoundTripScenario} driven by our library instead: one
 * {@link Client} per client connection keeps {@code inFlight} jobs outstanding through
 * {@code submitJobAsync} (chains: each completion submits the next job), one {@link Worker} per
 * worker connection echoing the payload with {@code sendWorkComplete}, taking its jobs as
 * {@link WorkerStyle} says. Compared with the raw generator on the same server, this shows what
 * the library costs.
 */
final class LibraryRoundTripScenario implements Scenario {
    /** How a worker takes its jobs. */
    enum WorkerStyle {
        /**
         * Every client and worker on one {@link SharedIoThread}, each worker's {@link dev.gear.JobHandler}
         * run on it: the library's high-rate configuration, one thread like the raw generator.
         */
        SHARED("", "JobHandler on one SharedIoThread that every client and worker uses"),
        /** A {@link dev.gear.JobHandler} run on the worker's own I/O thread ({@code runHandlersOnIoThread}). */
        IO("-io", "JobHandler on the worker's own I/O thread"),
        /** A {@link dev.gear.JobHandler} run on the worker's own handler thread (the default). */
        POOL("-pool", "JobHandler on the worker's handler thread"),
        /** A thread of ours looping on {@code getJob}, as gear's workers do. */
        GETJOB("-getjob", "a thread looping on getJob");

        private final String rowSuffix;
        private final String description;

        WorkerStyle(String rowSuffix, String description) {
            this.rowSuffix = rowSuffix;
            this.description = description;
        }

        static WorkerStyle of(String option) {
            return valueOf(option.toUpperCase(java.util.Locale.ROOT));
        }

        String rowSuffix() {
            return rowSuffix;
        }

        String description() {
            return description;
        }
    }

    private final String id;
    private final RoundTripShape shape;
    private final WorkerStyle style;

    LibraryRoundTripScenario(String id, RoundTripShape shape, WorkerStyle style) {
        this.id = id;
        this.shape = shape;
        this.style = style;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String title() {
        return shape.describe() + ", our Client/Worker library (workers: " + style.description() + ")";
    }

    @Override
    public Session open(Target target) {
        String function = "bench-" + id + "-" + System.nanoTime();
        byte[] payload = Sizes.payload(shape.payloadBytes());
        AtomicLong workerErrors = new AtomicLong();
        SharedIoThread io = style == WorkerStyle.SHARED ? SharedIoThread.start("bench-io") : null;
        List<Worker> workers = new ArrayList<>();
        List<Thread> workerThreads = new ArrayList<>();
        for (int i = 0; i < shape.workers(); i++) {
            Worker.Builder builder = Worker.builder().clientId("bench-worker-" + i);
            if (style == WorkerStyle.IO || style == WorkerStyle.SHARED) {
                builder.runHandlersOnIoThread();
            }
            if (io != null) {
                builder.ioThread(io);
            }
            Worker worker = builder.build();
            worker.addServer(target.host(), target.port());
            worker.waitForServer(Duration.ofSeconds(10));
            workers.add(worker);
            if (style == WorkerStyle.GETJOB) {
                worker.registerFunction(function);
                Thread thread = new Thread(() -> echo(worker, workerErrors), "bench-worker-" + i);
                thread.setDaemon(true);
                thread.start();
                workerThreads.add(thread);
            } else {
                worker.registerFunction(function, job -> job.sendWorkComplete(job.arguments()));
            }
        }
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < shape.clients(); i++) {
            Client.Builder builder = Client.builder().clientId("bench-client-" + i).requestTimeout(REQUEST_TIMEOUT);
            if (io != null) {
                builder.ioThread(io);
            } else {
                builder.ownIoThread(); // these rows measure an I/O thread per client, as before clients shared one by default
            }
            Client client = builder.build();
            client.addServer(target.host(), target.port());
            clients.add(client);
        }
        clients.forEach(c -> c.waitForServer(Duration.ofSeconds(10)));
        return new TalliedSession(id) {
            @Override
            void run(Duration duration, Tally into) throws InterruptedException {
                long cpu0 = target.cpuNanos();
                long driverCpu0 = DriverCpu.nanos();
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
                long driverCpu1 = DriverCpu.nanos();
                into.add(Latencies.mergeSorted(latencies), late.get(), errors.get() + workerErrors.getAndSet(0),
                        duration.toNanos() / 1e9, cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0,
                        driverCpu0 < 0 || driverCpu1 < 0 ? -1 : driverCpu1 - driverCpu0);
            }

            @Override
            public void close() throws InterruptedException {
                clients.forEach(Client::close);
                workers.forEach(Worker::close);
                if (io != null) {
                    io.close();
                }
                for (Thread thread : workerThreads) {
                    thread.join(10_000);
                }
            }
        };
    }

    /**
     * Keeps {@code inFlight} jobs outstanding on {@code client} until {@code end}, then waits for the
     * last of them: {@code inFlight} chains, each submitting its next job from the completion of
     * the previous one, as an asynchronous producer does. Completions (and so the next submits) run
     * on the client's I/O thread, where a submission needs no hand-off to another thread; the
     * samples are written under their lock and read once every chain has ended.
     */
    private void drive(Client client, String function, byte[] payload, long end, Latencies samples, AtomicLong errors,
            AtomicLong late) {
        CountDownLatch chains = new CountDownLatch(shape.inFlight());
        for (int i = 0; i < shape.inFlight(); i++) {
            submitNext(client, function, payload, end, samples, errors, late, chains);
        }
        try {
            long waitNanos = Math.max(0, end - System.nanoTime()) + REQUEST_TIMEOUT.toNanos();
            if (!chains.await(waitNanos, TimeUnit.NANOSECONDS)) {
                errors.incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One link of a chain: submits a job, records it, and submits the next until {@code end}. */
    private void submitNext(Client client, String function, byte[] payload, long end, Latencies samples,
            AtomicLong errors, AtomicLong late, CountDownLatch chains) {
        long start = System.nanoTime();
        if (start >= end) {
            chains.countDown();
            return;
        }
        client.submitJobAsync(new Job(function, payload), false, Precedence.NORMAL, REQUEST_TIMEOUT)
                .thenCompose(Job::completion)
                .whenComplete((job, failure) -> {
                    long now = System.nanoTime();
                    if (failure != null || job.isFailure() || job.dataBytes().length != payload.length) {
                        errors.incrementAndGet();
                        chains.countDown(); // a failed link ends its chain: no retry storm
                        return;
                    }
                    if (now <= end) {
                        synchronized (samples) {
                            samples.add(now - start);
                        }
                    } else {
                        late.incrementAndGet();
                    }
                    submitNext(client, function, payload, end, samples, errors, late, chains);
                });
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
