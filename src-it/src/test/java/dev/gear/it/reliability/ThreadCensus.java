package dev.gear.it.reliability;

import dev.gear.Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The live threads whose names start with one of a test's prefixes (the I/O, handler and shared
 * threads of the clients and workers it made): what must be gone once they are all closed.
 *
 * <p>The library's JVM-wide threads, which no close ends by design, are known by name
 * ({@link #JVM_WIDE}): one thread of each such name is expected to survive and is not counted;
 * a second one alive at once is (the library must never start a JVM-wide thread twice while the
 * first one lives).
 */
final class ThreadCensus {
    /** The JVM-wide I/O thread every default {@link Client} shares: it lives as long as the JVM. */
    static final List<String> JVM_WIDE = List.of(Client.DEFAULT_IO_THREAD_NAME);

    private final List<String> prefixes;

    ThreadCensus(List<String> prefixes) {
        this.prefixes = List.copyOf(prefixes);
    }

    List<Thread> alive() {
        List<Thread> ours = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && (JVM_WIDE.contains(t.getName())
                        || prefixes.stream().anyMatch(p -> t.getName().startsWith(p))))
                .collect(Collectors.toCollection(ArrayList::new));
        for (String name : JVM_WIDE) {
            ours.stream().filter(t -> t.getName().equals(name)).findFirst().ifPresent(ours::remove);
        }
        return ours;
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
