package dev.gear.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gear.Client;
import dev.gear.ConnectionException;
import dev.gear.GearmanException;
import dev.gear.GearmanTimeoutException;
import dev.gear.Job;
import dev.gear.NoConnectedServersException;
import dev.gear.Precedence;
import dev.gear.Worker;
import dev.gear.WorkerInterruptedException;
import dev.gear.WorkerJob;
import dev.gear.internal.store.SqliteQueueStore;
import dev.gear.it.support.GeardProcess;
import dev.gear.it.support.RawConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conservation of background jobs across kill -9 (issue 16): {@link FaultConservationIT}'s
 * accounting, but with the queue store on (a SQLite file) and a real {@code geard} child process
 * killed with SIGKILL a few times while {@link Client}s submit background jobs (HIGH, NORMAL and
 * LOW; half with a unique, half without), and a quarter foreground jobs on the same connections,
 * and {@link Worker}s run them; after each kill geard is
 * started again on the same file and port, and clients and workers reconnect by themselves.
 *
 * <p><b>Accounting</b>, from the client and worker side (the server is another process):
 * <ul>
 * <li>{@code acknowledged}: submissions that got JOB_CREATED. Each must be run by a worker before
 *     the end: {@code lost} counts those that never were and must be 0; {@code lostByRestart}, the
 *     part of them acknowledged before a kill, must be 0 too (without a store, every job queued at
 *     a kill would be there).</li>
 * <li>{@code duplicates}: runs of a job after its first. One is {@code explained} when geard was
 *     killed between the two runs: the worker had run the job (and maybe sent WORK_COMPLETE) but
 *     the server died before the row's removal was durable, so the restarted server runs it again
 *     (at least once, as gearmand). A duplicate within one server life is {@code unexplained} and
 *     must be 0. The kill counter is read before a worker's {@code getJob} and after it returns,
 *     so a job grabbed from a server just as it was killed is never taken for an unexplained one.</li>
 * <li>Foreground jobs (not stored, as gearmand): each that got JOB_CREATED must end once, with
 *     exactly its own result ({@code wrongResults} must be 0: a reply matched to the wrong request
 *     would show here) or failed because geard died ({@code fgFailed}).</li>
 * <li>{@code submitFailed}: submissions that got no JOB_CREATED (the server was down or died
 *     meanwhile); not jobs. Some of them were stored before the kill and run anyway
 *     ({@code unacknowledgedRan}), which is allowed: the client was told nothing.</li>
 * </ul>
 * At the end geard is stopped cleanly and its file must hold no row. Short by default (12 s, 4
 * kills); {@code -Dsoak.seconds=N} runs for N seconds with a kill about every 3 s.
 */
class DurableConservationIT {
    private static final String FUNCTION = "durable-conserve";
    private static final Duration RUN = Soak.duration(Duration.ofSeconds(12));
    private static final int KILLS = (int) Math.max(3, RUN.toSeconds() / 3);
    private static final Duration END_BOUND = Duration.ofSeconds(60);
    private static final int CLIENTS = 3;
    private static final int WORKERS = 4;
    private static final int WINDOW = 8;
    private static final Precedence[] PRECEDENCES = Precedence.values();

    @TempDir
    Path dir;

    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final CountDownLatch failed = new CountDownLatch(1);
    private volatile boolean stopClients;
    private volatile boolean stopWorkers;
    private volatile int port;
    /** Kills begun and kills over (the process reaped): read by workers around each getJob. */
    private volatile int killsStarted;
    private volatile int killsDone;

    /** Ids acknowledged with JOB_CREATED, and the kill count at that moment; guarded by {@code acknowledged}. */
    private final BitSet acknowledged = new BitSet();
    private final Map<Long, Integer> acknowledgedAtKill = new HashMap<>();
    /** Every run of each id: {killsDone before getJob, killsDone after}; guarded by itself. */
    private final Map<Long, List<int[]>> runs = new HashMap<>();
    private final LongAdder submitFailed = new LongAdder();
    private final LongAdder fgCreated = new LongAdder();
    private final LongAdder fgCompleted = new LongAdder();
    private final LongAdder fgFailed = new LongAdder();
    private final LongAdder fgWrong = new LongAdder();
    private final LongAdder fgRuns = new LongAdder();
    private final LongAdder completionsRefused = new LongAdder();
    private final LongAdder explained = new LongAdder();
    private final LongAdder unexplained = new LongAdder();

    @Test
    void noAcknowledgedJobIsLostAcrossKillNineRestartsOfAStoringGeard() throws Exception {
        Optional<String> reason = GeardProcess.unavailableReason();
        assumeTrue(reason.isEmpty(), () -> "skipped: " + reason.orElse(""));
        Path file = dir.resolve("queue.db");
        String[] store = {"-q", "libsqlite3", "--libsqlite3-db", file.toString()};
        port = GeardProcess.freePort();
        GeardProcess geard = GeardProcess.startOnPort(port, store);
        ExecutorService pool = Executors.newCachedThreadPool();
        List<Future<?>> workers = new ArrayList<>();
        List<Future<?>> clients = new ArrayList<>();
        List<Long> lostIds;
        try {
            for (int i = 0; i < WORKERS; i++) {
                int n = i;
                workers.add(pool.submit(() -> guarded(() -> workerLoop(n))));
            }
            for (int i = 0; i < CLIENTS; i++) {
                int n = i;
                clients.add(pool.submit(() -> guarded(() -> clientLoop(n))));
            }
            long between = RUN.toMillis() / (KILLS + 1);
            for (int k = 0; k < KILLS && failed.getCount() > 0; k++) {
                failed.await(between, TimeUnit.MILLISECONDS); // the run goes on; a failure ends it early
                killsStarted++;
                geard.kill9();
                killsDone++;
                geard = GeardProcess.startOnPort(port, store);
            }
            failed.await(between, TimeUnit.MILLISECONDS);
            stopClients = true;
            for (Future<?> f : clients) {
                f.get(END_BOUND.toSeconds(), TimeUnit.SECONDS);
            }
            lostIds = awaitEveryAcknowledgedRun(END_BOUND);
            try (RawConnection admin = RawConnection.open(geard)) {
                admin.awaitAdminList("status", lines -> lines.stream().noneMatch(
                        l -> l.startsWith(FUNCTION + "\t") && !l.startsWith(FUNCTION + "\t0\t0\t")),
                        "no " + FUNCTION + " job queued or running", END_BOUND);
            }
            stopWorkers = true;
            for (Future<?> f : workers) {
                f.get(END_BOUND.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            stopClients = true;
            stopWorkers = true;
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
            geard.close(); // a clean stop: exit status 0 after SIGTERM, the last removals committed
        }
        int leftRows;
        try (SqliteQueueStore reopened = SqliteQueueStore.open(file, "gearman_queue")) {
            leftRows = reopened.loadAll().size();
        }

        long acked;
        long lostByRestart;
        synchronized (acknowledged) {
            acked = acknowledged.cardinality();
            lostByRestart = lostIds.stream().filter(id -> acknowledgedAtKill.get(id) < killsDone).count();
        }
        long totalRuns;
        long distinct;
        long unacknowledgedRan;
        synchronized (runs) {
            totalRuns = runs.values().stream().mapToLong(List::size).sum();
            distinct = runs.size();
            synchronized (acknowledged) {
                unacknowledgedRan = runs.keySet().stream().filter(id -> !acknowledged.get((int) (long) id)).count();
            }
        }
        Soak.summary("durable-conservation")
                .put("seconds", RUN.toSeconds())
                .put("kills", killsDone)
                .put("submitted", ids.get())
                .put("acknowledged", acked)
                .put("foreground", fgCreated.sum())
                .put("fgCompleted", fgCompleted.sum())
                .put("fgFailed", fgFailed.sum())
                .put("fgRuns", fgRuns.sum())
                .put("wrongResults", fgWrong.sum())
                .put("submitFailed", submitFailed.sum())
                .put("workerRuns", totalRuns)
                .put("jobsRun", distinct)
                .put("unacknowledgedRan", unacknowledgedRan)
                .put("completionsRefused", completionsRefused.sum())
                .put("duplicates", totalRuns - distinct)
                .put("explainedDuplicates", explained.sum() + " (run before a kill, the row's removal not yet durable)")
                .put("unexplainedDuplicates", unexplained.sum())
                .put("rowsLeft", leftRows)
                .put("lostByRestart", lostByRestart)
                .put("lost", lostIds.size())
                .print();

        assertThat(errors).as("errors in client/worker threads").isEmpty();
        assertThat(lostIds).as("acknowledged background jobs never run (lost)").isEmpty();
        assertThat(lostByRestart).as("lostByRestart").isZero();
        assertThat(fgWrong.sum()).as("foreground jobs with a result that is not theirs").isZero();
        assertThat(fgCompleted.sum() + fgFailed.sum()).as("foreground jobs ended").isEqualTo(fgCreated.sum());
        assertThat(fgCompleted.sum()).as("foreground jobs completed").isPositive();
        assertThat(unexplained.sum()).as("jobs run twice within one server life").isZero();
        assertThat(explained.sum() + unexplained.sum()).isEqualTo(totalRuns - distinct);
        assertThat(leftRows).as("rows left in the file after every job ran and geard stopped cleanly").isZero();
        assertThat(killsDone).as("kill -9 restarts").isEqualTo(KILLS);
        assertThat(acked).as("jobs acknowledged").isPositive();
        synchronized (acknowledged) {
            assertThat(acknowledgedAtKill.values().stream().filter(k -> k < KILLS).count())
                    .as("jobs acknowledged before the last kill (so some were at risk)").isPositive();
        }
    }

    /** Waits until every acknowledged id has run; returns the ids that did not within {@code bound}. */
    private List<Long> awaitEveryAcknowledgedRun(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        synchronized (runs) {
            while (true) {
                List<Long> missing = new ArrayList<>();
                synchronized (acknowledged) {
                    for (int id = acknowledged.nextSetBit(0); id >= 0; id = acknowledged.nextSetBit(id + 1)) {
                        if (!runs.containsKey((long) id)) {
                            missing.add((long) id);
                        }
                    }
                }
                long left = deadline - System.nanoTime();
                if (missing.isEmpty() || left <= 0 || failed.getCount() == 0) {
                    return missing;
                }
                runs.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1); // notified by every run
            }
        }
    }

    private void clientLoop(int n) throws InterruptedException {
        try (Client client = Client.builder().clientId("durable-c" + n)
                .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200)).build()) {
            client.addServer("127.0.0.1", port);
            Semaphore window = new Semaphore(WINDOW);
            while (!stopClients) {
                if (!window.tryAcquire(END_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                    error("client " + n + ": no submission of the window ended within " + END_BOUND);
                    return;
                }
                if (client.getConnections().stream().noneMatch(dev.gear.Connection::isConnected)) {
                    try {
                        client.waitForServer(Duration.ofSeconds(30)); // geard restarting: don't spin on failures
                    } catch (GearmanException e) {
                        window.release();
                        error("client " + n + ": geard did not come back: " + e);
                        return;
                    }
                }
                submitOne(client, window);
            }
            if (!window.tryAcquire(WINDOW, END_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                error("client " + n + ": submissions in flight did not end within " + END_BOUND);
            }
        }
    }

    private void submitOne(Client client, Semaphore window) {
        long id = ids.incrementAndGet();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        // A quarter foreground, on the same connections: their answers come at once, the background
        // ones only once durable, and the client matches each reply to its request by order.
        boolean background = random.nextInt(4) != 0;
        // Half without a unique: gearmand's own SQLite queue keeps one of those per function.
        Job job = new Job(FUNCTION, (background ? "b" : "f") + id, random.nextBoolean() ? "u" + id : "");
        int killsAtSubmit = killsStarted;
        client.submitJobAsync(job, background, PRECEDENCES[random.nextInt(PRECEDENCES.length)],
                        Duration.ofSeconds(10))
                .whenComplete((j, e) -> {
                    if (e == null && !background) {
                        fgCreated.increment();
                        job.completion().whenComplete((done, x) -> {
                            if (x == null && !done.isFailure()) {
                                if (done.dataAsString().equals("rf" + id)) {
                                    fgCompleted.increment();
                                } else {
                                    fgWrong.increment();
                                    error("foreground job " + id + " got " + done.dataAsString());
                                }
                            } else {
                                fgFailed.increment(); // its connection died with geard: foreground jobs are not stored
                            }
                            window.release();
                        });
                        return;
                    }
                    if (e == null) {
                        synchronized (acknowledged) {
                            acknowledged.set((int) id);
                            acknowledgedAtKill.put(id, killsAtSubmit);
                        }
                    } else {
                        Throwable cause = e.getCause() != null && !(e instanceof GearmanException) ? e.getCause() : e;
                        if (!(cause instanceof ConnectionException || cause instanceof NoConnectedServersException
                                || cause instanceof GearmanTimeoutException)) {
                            error("submit of " + id + " failed unexpectedly: " + cause);
                        }
                        submitFailed.increment();
                    }
                    window.release();
                });
    }

    private void workerLoop(int n) {
        try (Worker worker = Worker.builder().clientId("durable-w" + n)
                .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200)).build()) {
            worker.addServer("127.0.0.1", port);
            worker.registerFunction(FUNCTION);
            while (!stopWorkers) {
                int before = killsDone;
                WorkerJob job;
                try {
                    job = worker.getJob(Duration.ofMillis(300));
                } catch (GearmanTimeoutException e) {
                    continue;
                }
                int after = killsDone;
                String payload = job.argumentsAsString();
                if (payload.startsWith("b")) {
                    ran(Long.parseLong(payload.substring(1)), before, after);
                } else {
                    fgRuns.increment();
                }
                try {
                    job.sendWorkComplete("r" + payload);
                } catch (ConnectionException e) {
                    completionsRefused.increment(); // geard died under it: the job comes back after the restart
                }
            }
        } catch (WorkerInterruptedException e) {
            // shut down
        }
    }

    private void ran(long id, int killsBefore, int killsAfter) {
        synchronized (runs) {
            List<int[]> previous = runs.computeIfAbsent(id, k -> new ArrayList<>());
            if (!previous.isEmpty()) {
                int[] last = previous.get(previous.size() - 1);
                if (killsAfter > last[0]) {
                    explained.increment();
                } else {
                    unexplained.increment();
                    error("job " + id + " ran twice within one geard life (kills " + last[0] + ".." + last[1] + " and "
                            + killsBefore + ".." + killsAfter + ")");
                }
            }
            previous.add(new int[] {killsBefore, killsAfter});
            runs.notifyAll();
        }
    }

    private void guarded(ThrowingRunnable body) {
        try {
            body.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            error(Thread.currentThread().getName() + ": " + t);
        }
    }

    private void error(String message) {
        errors.add(message);
        failed.countDown();
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
