package dev.gear.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.gear.GearmanException;
import dev.gear.Worker;
import dev.gear.WorkerInterruptedException;
import dev.gear.WorkerJob;

/**
 * {@code count} workers, each its own {@link Worker} (own connection and I/O thread, as separate
 * worker processes would be) with one thread looping {@code getJob} → WORK_COMPLETE. The result is
 * the job's arguments ({@code echo}) or empty (background jobs, whose results nobody reads).
 */
final class EchoWorkers implements AutoCloseable {
    private final List<Worker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong lastCompletedNanos = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    EchoWorkers(Target target, String function, int count, boolean echo) {
        for (int i = 0; i < count; i++) {
            Worker worker = Worker.builder().clientId("bench-worker-" + i).requestTimeout(Scenario.REQUEST_TIMEOUT).build();
            workers.add(worker);
            worker.addServer(target.host(), target.port());
            worker.waitForServer(Duration.ofSeconds(10));
            worker.registerFunction(function);
            Thread thread = new Thread(() -> serve(worker, echo), "bench-worker-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private void serve(Worker worker, boolean echo) {
        while (true) {
            WorkerJob job;
            try {
                job = worker.getJob();
            } catch (WorkerInterruptedException stopped) {
                return;
            }
            try {
                if (echo) {
                    job.sendWorkComplete(job.arguments());
                } else {
                    job.sendWorkComplete();
                }
                lastCompletedNanos.set(System.nanoTime());
                completed.incrementAndGet();
            } catch (GearmanException e) {
                errors.incrementAndGet();
            }
        }
    }

    /** Jobs these workers answered so far. */
    long completed() {
        return completed.get();
    }

    /** {@link System#nanoTime()} of the latest WORK_COMPLETE sent. */
    long lastCompletedNanos() {
        return lastCompletedNanos.get();
    }

    long errors() {
        return errors.get();
    }

    @Override
    public void close() throws InterruptedException {
        workers.forEach(Worker::shutdown);
        for (Thread thread : threads) {
            thread.join(10_000);
        }
    }
}
