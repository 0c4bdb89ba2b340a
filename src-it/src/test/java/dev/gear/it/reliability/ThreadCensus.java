package dev.gear.it.reliability;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The live threads whose names start with one of a test's prefixes (the I/O, handler and shared
 * threads of the clients and workers it made): what must be gone once they are all closed.
 */
final class ThreadCensus {
    private final List<String> prefixes;

    ThreadCensus(List<String> prefixes) {
        this.prefixes = List.copyOf(prefixes);
    }

    List<Thread> alive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && prefixes.stream().anyMatch(p -> t.getName().startsWith(p)))
                .collect(Collectors.toList());
    }

    /** Joins every such thread; the names of those still alive at the deadline. */
    List<String> awaitEnd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : alive()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left > 0) {
                t.join(left);
            }
        }
        return alive().stream().map(Thread::getName).collect(Collectors.toList());
    }
}
