package dev.gear.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import dev.gear.Client;
import dev.gear.GearmanException;

/**
 * One thread per client, each calling a blocking operation back to back until a common deadline
 * (closed loop: a thread starts its next request when the previous one is answered). Only the
 * operations that finished before the deadline count, so {@code count / duration} is a rate.
 */
final class TimedLoop {
    /** One request; returns false when the answer was wrong (counted as an error). */
    @FunctionalInterface
    interface Operation {
        boolean run(Client client);
    }

    /**
     * @param sortedNanos latency of every operation that finished in time, sorted
     * @param late        operations that succeeded but finished after the deadline (not in the rate)
     * @param errors      operations that failed, timed out or answered wrongly
     * @param startNanos  {@link System#nanoTime()} when the threads were released
     * @param seconds     the length of the measured window
     */
    record Outcome(long[] sortedNanos, long late, long errors, long startNanos, double seconds) {
        /** Every operation that succeeded, in the window or after it. */
        long succeeded() {
            return sortedNanos.length + late;
        }
    }

    private TimedLoop() {
    }

    static Outcome run(List<Client> clients, Duration duration, Operation operation) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        long[] window = new long[2];
        AtomicLong errors = new AtomicLong();
        AtomicLong late = new AtomicLong();
        List<Latencies> samples = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            Client client = clients.get(i);
            Latencies latencies = new Latencies();
            samples.add(latencies);
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long end = window[1]; // published by go.countDown()
                while (true) {
                    long start = System.nanoTime();
                    if (start >= end) {
                        return;
                    }
                    boolean ok;
                    try {
                        ok = operation.run(client);
                    } catch (GearmanException e) {
                        ok = false;
                    }
                    long finish = System.nanoTime();
                    if (!ok) {
                        errors.incrementAndGet();
                    } else if (finish <= end) {
                        latencies.add(finish - start);
                    } else {
                        late.incrementAndGet();
                    }
                }
            }, "bench-client-" + i);
            threads.add(thread);
            thread.start();
        }
        window[0] = System.nanoTime();
        window[1] = window[0] + duration.toNanos();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        return new Outcome(Latencies.mergeSorted(samples), late.get(), errors.get(), window[0], duration.toNanos() / 1e9);
    }

    /** {@code count} clients connected to {@code target}, each with its own connection and I/O thread. */
    static List<Client> connect(Target target, int count) {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Client client = Client.builder().clientId("bench-client-" + i).requestTimeout(Scenario.REQUEST_TIMEOUT).build();
            client.addServer(target.host(), target.port());
            clients.add(client);
        }
        for (Client client : clients) {
            client.waitForServer(Duration.ofSeconds(10));
        }
        return clients;
    }
}
