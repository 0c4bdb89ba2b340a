package dev.gear.it.reliability;

import dev.gear.internal.server.ServerAccess;
import dev.gear.internal.server.ServerEvent;
import dev.gear.server.Server;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Our server embedded in the test JVM for the hostile tests, with everything they check about it:
 *
 * <ul>
 * <li>Nothing escaped a handler: the server's event listener records every connection the
 * transport closed with an {@code internal error} reason (what it does when a handler throws),
 * and {@code System.err} is teed while the server runs, counting slf4j-simple's {@code ERROR}
 * lines (what the loop logs when a task, timer or the loop itself fails).</li>
 * <li>The loop thread (named {@code gear-server-<id>}) is alive and the server still serves.</li>
 * <li>Heap: {@link #usedHeapAfterGc()} is the JVM's used heap (MemoryMXBean) after repeated
 * {@code System.gc()} calls until it stops shrinking; {@link #peakHeap()} is the sum of the heap
 * pools' peak usage since {@link #resetPeakHeap()} (an upper bound of the true peak).</li>
 * </ul>
 */
final class HostileServer implements AutoCloseable {
    private final Server server;
    private final String threadName;
    private final List<String> internalErrors = new CopyOnWriteArrayList<>();
    private final AtomicLong closes = new AtomicLong();
    private final AtomicLong errorLines = new AtomicLong();
    private final List<String> errorSamples = new CopyOnWriteArrayList<>();
    private final PrintStream originalErr = System.err;

    HostileServer(String id, UnaryOperator<Server.Builder> options) {
        server = options.apply(Server.builder().port(0).listenAddress("127.0.0.1").serverId(id)).build().start();
        threadName = "gear-server-" + id;
        ServerAccess.core(server).addEventListener(event -> {
            if (event instanceof ServerEvent.ConnectionClosed) {
                closes.incrementAndGet();
                String reason = ((ServerEvent.ConnectionClosed) event).reason();
                if (reason.contains("internal error")) {
                    internalErrors.add(reason);
                }
            }
        });
        System.setErr(new PrintStream(new ErrorLineCounter(originalErr), true, StandardCharsets.UTF_8));
    }

    Server server() {
        return server;
    }

    int port() {
        return server.port();
    }

    long closedConnections() {
        return closes.get();
    }

    /** Fails when a handler threw, the loop logged an error, the loop thread died or the server stopped. */
    void assertHealthy() {
        if (!internalErrors.isEmpty()) {
            throw new AssertionError(internalErrors.size() + " connections closed because an exception escaped a "
                    + "handler, first: " + internalErrors.get(0));
        }
        if (errorLines.get() > 0) {
            throw new AssertionError(errorLines.get() + " ERROR lines logged while the server ran, first: "
                    + errorSamples);
        }
        if (!server.isRunning()) {
            throw new AssertionError("the server stopped");
        }
        boolean alive = Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(threadName) && t.isAlive());
        if (!alive) {
            throw new AssertionError("the server's loop thread " + threadName + " is gone");
        }
        server.snapshot(Duration.ofSeconds(30)); // the loop still answers
    }

    static long usedHeapAfterGc() {
        long previous = Long.MAX_VALUE;
        long used = usedHeap();
        for (int i = 0; i < 10 && used < previous - (256 << 10); i++) {
            previous = used;
            System.gc();
            used = usedHeap();
        }
        return used;
    }

    static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static void resetPeakHeap() {
        heapPools().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    static long peakHeap() {
        return heapPools().stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }

    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1fMiB", bytes / (1024.0 * 1024.0));
    }

    @Override
    public void close() {
        System.setErr(originalErr);
        server.close();
    }

    /** Passes everything through and counts slf4j-simple's ERROR lines ({@code [thread] ERROR logger - ...}). */
    private final class ErrorLineCounter extends OutputStream {
        private final PrintStream target;
        private final StringBuilder line = new StringBuilder();

        ErrorLineCounter(PrintStream target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) {
            target.write(b);
            if (b == '\n') {
                String text = line.toString();
                if (text.contains("] ERROR ")) {
                    errorLines.incrementAndGet();
                    if (errorSamples.size() < 3) {
                        errorSamples.add(text);
                    }
                }
                line.setLength(0);
            } else if (line.length() < 2000) {
                line.append((char) b);
            }
        }

        @Override
        public void flush() {
            target.flush();
        }
    }
}
