package dev.gear.bench;

import dev.gear.internal.store.GroupCommitWriter;
import dev.gear.internal.store.QueueStore;
import dev.gear.internal.store.SqliteQueueStore;
import dev.gear.internal.store.StoredJob;
import dev.gear.internal.store.StoredKeys;
import dev.gear.internal.store.StoreOpener;
import dev.gear.server.QueueStores;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The queue store alone, without a server: durable enqueue through the group-commit writer (rows/s,
 * and how many rows one fsync'd transaction carried), then the time to load a table of 1 000 000
 * rows, as the server does before it accepts connections. Issue 16's aims: at least 60 000 durable
 * rows/s, and a 1 000 000-row load in at most 5 s.
 *
 * <pre>java -cp ... dev.gear.bench.QueueStoreBenchmark [--rows N] [--load N] [--in-flight N]
 *     [--data BYTES] [--dir DIR] [--postgres CONNINFO]</pre>
 *
 * <p>One submitting thread plays the server's event loop: it hands rows over one by one, never
 * waiting on the disk, with at most {@code --in-flight} rows not yet durable (clients waiting for
 * JOB_CREATED); a completion frees a slot. With {@code --postgres}, the same runs against that
 * database's table {@code queue_bench} (dropped and refilled) instead of SQLite.
 */
public final class QueueStoreBenchmark {
    /** Every second enqueue run submits without uniques (generated keys). */
    private static int anonymousRun;

    private QueueStoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = 200_000;
        int load = 1_000_000;
        int inFlight = 20_000;
        int dataBytes = 64;
        Path dir = null;
        String postgres = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Integer.parseInt(args[++i]);
                case "--load" -> load = Integer.parseInt(args[++i]);
                case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
                case "--data" -> dataBytes = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--postgres" -> postgres = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--rows N --load N --in-flight N --data BYTES --dir DIR --postgres CONNINFO)");
            }
        }
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("gear-store-bench-");
        byte[] data = "d".repeat(dataBytes).getBytes(StandardCharsets.UTF_8);
        System.out.printf(Locale.ROOT, "| store | rows | in flight | rows/s | transactions | rows per transaction |%n");
        System.out.printf(Locale.ROOT, "|---|---|---|---|---|---|%n");
        String conninfo = postgres;
        enqueue(open(conninfo, work.resolve("enqueue.db")), rows, inFlight, data);
        enqueue(open(conninfo, work.resolve("enqueue-anon.db")), rows, inFlight, data);
        System.out.println();
        loadTime(open(conninfo, work.resolve("load.db")), load, data, () -> open(conninfo, work.resolve("load.db")));
    }

    private static QueueStore open(String postgres, Path file) {
        if (postgres != null) {
            return StoreOpener.open(QueueStores.postgres(postgres, "queue_bench"));
        }
        return SqliteQueueStore.open(file, "gearman_queue");
    }

    private static void enqueue(QueueStore store, int rows, int inFlight, byte[] data) throws Exception {
        clear(store);
        StoredKeys keys = new StoredKeys();
        boolean anonymous = anonymousRun++ % 2 == 1;
        Semaphore slots = new Semaphore(inFlight);
        List<CompletableFuture<Void>> last = new ArrayList<>();
        try (GroupCommitWriter writer = new GroupCommitWriter(store, "bench-writer")) {
            long start = System.nanoTime();
            for (int i = 0; i < rows; i++) {
                slots.acquire();
                byte[] unique = anonymous ? new byte[0] : ("job-" + i).getBytes(StandardCharsets.US_ASCII);
                CompletableFuture<Void> done = writer.add(List.of(keys.job("bench".getBytes(StandardCharsets.US_ASCII),
                        unique, StoredJob.NORMAL, data, 0)));
                done.whenComplete((v, e) -> {
                    if (e != null) {
                        System.err.println("commit failed: " + e);
                    }
                    slots.release();
                });
                if (i >= rows - 1) {
                    last.add(done);
                }
            }
            CompletableFuture.allOf(last.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
            slots.acquire(inFlight); // every row durable
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "| %s%s | %d | %d | %.0f | %d | %.0f |%n", store.description(),
                    anonymous ? " (no uniques)" : "", rows, inFlight, rows / seconds, writer.commits(),
                    (double) writer.rowsCommitted() / Math.max(1, writer.commits()));
        }
    }

    private interface Opener {
        QueueStore open();
    }

    private static void loadTime(QueueStore store, int rows, byte[] data, Opener reopen) {
        clear(store);
        StoredKeys keys = new StoredKeys();
        try (store) {
            for (int from = 0; from < rows; from += 50_000) {
                List<StoredJob> chunk = new ArrayList<>();
                for (int i = from; i < Math.min(rows, from + 50_000); i++) {
                    chunk.add(keys.job("bench".getBytes(StandardCharsets.US_ASCII), new byte[0], i % 3, data, 0));
                }
                store.add(chunk);
            }
        }
        try (QueueStore fresh = reopen.open()) {
            long start = System.nanoTime();
            int loaded = fresh.loadAll().size();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "load of %d rows from %s: %.2f s (%s)%n", loaded, fresh.description(), seconds,
                    seconds <= 5 ? "aim <= 5 s met" : "aim <= 5 s NOT met");
        }
    }

    private static void clear(QueueStore store) {
        store.remove(store.loadAll());
    }
}
