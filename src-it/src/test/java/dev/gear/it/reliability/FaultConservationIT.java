package dev.gear.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Client;
import dev.gear.ClientListener;
import dev.gear.ConnectionException;
import dev.gear.GearmanException;
import dev.gear.GearmanTimeoutException;
import dev.gear.Job;
import dev.gear.NoConnectedServersException;
import dev.gear.Precedence;
import dev.gear.SharedIoThread;
import dev.gear.Worker;
import dev.gear.WorkerInterruptedException;
import dev.gear.WorkerJob;
import dev.gear.internal.server.ServerAccess;
import dev.gear.internal.server.ServerCore;
import dev.gear.internal.server.ServerEvent;
import dev.gear.internal.transport.NioConnection;
import dev.gear.server.Server;
import dev.gear.server.WorkerLossPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Conservation of jobs under faults (issue 7): our {@link Server} with {@link Client}s and
 * {@link Worker}s on several threads, while
 * <ul>
 * <li>the server resets (RST) or closes (FIN after flush) a worker's connection a few milliseconds
 *     after assigning it a job ({@code worker-reset}, {@code worker-close}), so the worker may be
 *     anywhere: not yet holding the job, running it, or sending its result;</li>
 * <li>worker threads close their {@code Worker} while holding a job without answering it
 *     ({@code worker-quit});</li>
 * <li>the server resets a client's connection just after one of its foreground submissions
 *     ({@code client-reset}); client threads close their {@code Client} with jobs in flight
 *     ({@code client-quit});</li>
 * <li>the server is closed and a new one started on the same port once, half way ({@code restart}).</li>
 * </ul>
 * Besides the {@code getJob} workers, workers with a {@link dev.gear.JobHandler} take the same
 * function: some run their handlers on their own pool ({@code maxConcurrentJobs} 2–4), one on an
 * executor the test gives it ({@code handlerExecutor}, which the worker must not shut down), one
 * on its I/O thread, and a group of one client and two workers (handlers on the shared thread, and on a
 * pool) runs on one {@link SharedIoThread} that is closed (shutting its users down with jobs in
 * flight) and started anew every 0.3–1.5 s ({@code shared-close}). Handlers answer as they are
 * told, but a quarter of their failures and exceptions are left to the library (the handler
 * returns without ending the job, or throws); and a handler may close its own {@code Worker} while
 * holding the job ({@code handler-quit}): the library must then send nothing more for it.
 * The server runs its default {@link WorkerLossPolicy} (foreground jobs of a lost worker fail,
 * background jobs are requeued without limit).
 *
 * <p><b>Accounting.</b> Every job carries a unique id in its payload (and as its unique).
 * <ul>
 * <li>Background jobs are counted from the server's events: each one the server created must be
 *     completed (by WORK_COMPLETE from a worker that recorded running it) before the end of the
 *     run. Those still queued or running when the server was closed for the restart are counted as
 *     {@code lostByRestart}: the server keeps no persistent queue, so a restart drops them by
 *     design (gearmand without a queue store does the same). {@code lost} counts every other
 *     background job that never completed, or that the server failed or cancelled: it must be 0.</li>
 * <li>Foreground jobs are counted from the client's side, once JOB_CREATED gave them a handle: each
 *     must end exactly once ({@code onWorkComplete}, {@code onWorkFail}, {@code onWorkException} or
 *     {@code onDisconnect}, counted per id; a second end is a {@code duplicate}), its
 *     {@code completion()} future must be done by the end of the run, a success must carry
 *     exactly its own result ({@code r<id>}), and the outcome must fit what its worker was told to
 *     do. A submission that failed before JOB_CREATED (its connection dropped, or no server during
 *     the restart) is {@code submitFailed}, not a job.</li>
 * </ul>
 * Jobs of handler workers are accounted for exactly as the others (handlers mark their
 * completions as {@code getJob} workers do). No hang: no client waits more than
 * {@link #RECONNECT_BOUND} for a (re)connection ({@code worstConnectMillis}). No leaked thread:
 * once everything is closed, no I/O thread, shared I/O thread or handler thread made here is alive
 * (one client loop's clients have I/O threads of their own, {@code ownIoThread()}; two others use
 * the default JVM-wide one, which {@link ThreadCensus} expects to survive, once).
 * Short by default; {@code -Dsoak.seconds=N} runs for N seconds.
 */
class FaultConservationIT {
    private static final String FUNCTION = "conserve";
    private static final Duration RUN = Soak.duration(Duration.ofSeconds(8));
    private static final Duration END_BOUND = Duration.ofSeconds(60);
    private static final int CLIENTS = 3;
    private static final int WORKERS = 4;
    private static final int WINDOW = 8;
    /** Per JobAssigned: chance the server kills that worker's connection soon after. */
    private static final double WORKER_FAULT = 0.01;
    /** Per foreground JobSubmitted: chance the server resets that client's connection soon after. */
    private static final double CLIENT_FAULT = 0.003;
    /** Per job a worker got: chance it closes its Worker without answering. */
    private static final double WORKER_QUIT = 0.005;
    /**
     * Workers with handlers on a pool of their own, and with handlers on their own I/O thread (and
     * one more with handlers on an executor the test gives it).
     */
    private static final int POOL_HANDLER_WORKERS = 2;
    private static final int IO_HANDLER_WORKERS = 1;
    /** How long one shared I/O thread lives before it is closed under its users (ms). */
    private static final int SHARED_MIN_MILLIS = 300;
    private static final int SHARED_MAX_MILLIS = 1500;
    /** The threads of every client, worker and shared I/O thread made here (and their handler pools). */
    /** The longest a client may wait for a (re)connection to a server that is up. */
    private static final Duration RECONNECT_BOUND = Duration.ofSeconds(5);
    private static final ThreadCensus OUR_THREADS = new ThreadCensus(List.of("gear-client-conserve-", "gear-worker-conserve-",
            "conserve-shared-", "conserve-exec-"));

    private final Tally tally = new Tally();
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final CountDownLatch failed = new CountDownLatch(1);
    private volatile boolean chaos = true;
    private volatile boolean stopClients;
    private volatile boolean stopWorkers;
    private volatile int port;
    private volatile Generation current;
    private final CountDownLatch workersStopped = new CountDownLatch(1);
    /** The shared I/O thread of the moment; guarded by itself. */
    private final Object sharedLock = new Object();
    private SharedIoThread sharedIo;
    private final AtomicInteger sharedGenerations = new AtomicInteger();
    /** The executor one handler worker after another is given ({@code handlerExecutor}); the test shuts it down. */
    private final ExecutorService handlerExecutor = Executors.newFixedThreadPool(4, new java.util.concurrent.ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "conserve-exec-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    });
    private volatile boolean executorLeftRunning;
    /** The longest a client waited for its server to be connected (first connect or reconnect). */
    private final AtomicLong worstConnectNanos = new AtomicLong();

    // client-side truth (any thread, guarded by the object)
    private final BitSet fgEnded = new BitSet();
    private final Map<Long, Job> fgOpen = new ConcurrentHashMap<>();
    private final BitSet bgConfirmed = new BitSet();
    // worker-side truth
    private final BitSet workerCompleted = new BitSet();

    @Test
    void everyJobIsAccountedForUnderFaultsAndARestart() throws Exception {
        Generation first = startServer(0);
        port = first.server.port();
        ExecutorService pool = Executors.newCachedThreadPool();
        List<Future<?>> workers = new ArrayList<>();
        List<Future<?>> clients = new ArrayList<>();
        long lostByRestart;
        List<Generation> generations = new ArrayList<>();
        generations.add(first);
        try {
            for (int i = 0; i < WORKERS; i++) {
                int n = i;
                workers.add(pool.submit(() -> guarded(() -> workerLoop(n))));
            }
            for (int i = 0; i < POOL_HANDLER_WORKERS; i++) {
                String name = "hp" + i;
                workers.add(pool.submit(() -> guarded(() -> handlerWorkerLoop(name, HandlerKind.POOL))));
            }
            for (int i = 0; i < IO_HANDLER_WORKERS; i++) {
                String name = "hio" + i;
                workers.add(pool.submit(() -> guarded(() -> handlerWorkerLoop(name, HandlerKind.IO))));
            }
            workers.add(pool.submit(() -> guarded(() -> handlerWorkerLoop("hx", HandlerKind.EXECUTOR))));
            workers.add(pool.submit(() -> guarded(this::sharedIoLoop)));
            workers.add(pool.submit(() -> guarded(() -> handlerWorkerLoop("hsio", HandlerKind.SHARED_IO))));
            workers.add(pool.submit(() -> guarded(() -> handlerWorkerLoop("hsp", HandlerKind.SHARED_POOL))));
            for (int i = 0; i < CLIENTS; i++) {
                String name = "c" + i;
                // The first on I/O threads of their own (which must end with each client), the
                // others on the JVM-wide one, the default (which must survive them all).
                ClientIo io = i == 0 ? ClientIo.OWN : ClientIo.JVM_WIDE;
                clients.add(pool.submit(() -> guarded(() -> clientLoop(name, io))));
            }
            clients.add(pool.submit(() -> guarded(() -> clientLoop("sc", ClientIo.SHARED))));
            // Half the run on the first server (waiting on the failure latch, never sleeping).
            failed.await(RUN.toMillis() / 2, TimeUnit.MILLISECONDS);
            first.server.close(); // the loop thread has ended: its counts are final
            tally.add("fault.restart");
            lostByRestart = first.openBackground().size();
            Generation second = startServer(port);
            generations.add(second);
            failed.await(RUN.toMillis() - RUN.toMillis() / 2, TimeUnit.MILLISECONDS);

            stopClients = true; // they stop submitting, wait for what is in flight, then close
            for (Future<?> f : clients) {
                f.get(END_BOUND.toSeconds(), TimeUnit.SECONDS);
            }
            chaos = false;
            List<Long> stillOpen = second.awaitNoOpenBackground(END_BOUND);
            stopWorkers = true;
            workersStopped.countDown();
            for (Future<?> f : workers) {
                f.get(END_BOUND.toSeconds(), TimeUnit.SECONDS);
            }
            assertThat(stillOpen).as("background jobs never completed (lost)").isEmpty();
        } finally {
            stopClients = true;
            stopWorkers = true;
            workersStopped.countDown();
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
            executorLeftRunning = !handlerExecutor.isShutdown(); // the workers must not shut down an executor they were given
            handlerExecutor.shutdown();
            handlerExecutor.awaitTermination(30, TimeUnit.SECONDS);
            current.server.close();
        }
        List<String> leaked = OUR_THREADS.awaitEnd(Duration.ofSeconds(15));

        long bgCreated = 0;
        long bgCompleted = 0;
        long lost = 0;
        for (Generation g : generations) {
            bgCreated += g.bgCreated;
            bgCompleted += g.bgCompleted;
            lost += g.bgLost;
        }
        lost += current.openBackground().size();
        long notByWorker;
        synchronized (workerCompleted) {
            notByWorker = generations.stream().flatMap(g -> g.completedIds.stream())
                    .filter(id -> !workerCompleted.get((int) (long) id)).count();
        }
        long confirmedUnknown;
        synchronized (bgConfirmed) {
            BitSet known = new BitSet();
            generations.forEach(g -> g.createdIds.forEach(id -> known.set((int) (long) id)));
            BitSet unknown = (BitSet) bgConfirmed.clone();
            unknown.andNot(known);
            confirmedUnknown = unknown.cardinality();
        }

        Soak.Summary summary = Soak.summary("conservation")
                .put("seconds", RUN.toSeconds())
                .put("submitted", tally.get("fg.created") + bgCreated)
                .put("foreground", tally.get("fg.created"))
                .put("background", bgCreated)
                .put("bgUnconfirmed", bgCreated - tally.get("bg.created"))
                .put("submitFailed", tally.get("submit.failed"))
                .put("completed", tally.get("fg.completed") + bgCompleted)
                .put("failed", tally.get("fg.failed"))
                .put("exceptions", tally.get("fg.exception"))
                .put("clientGone", tally.get("fg.disconnected"))
                .put("requeued", generations.stream().mapToLong(g -> g.requeued).sum())
                .put("workerRuns", tally.get("worker.runs"))
                .put("resultsRefused", tally.get("worker.refused"))
                .put("handlerRuns", tally.get("handler.runs"))
                .put("handlerRunsPool", tally.get("handler.runs." + HandlerKind.POOL))
                .put("handlerRunsExecutor", tally.get("handler.runs." + HandlerKind.EXECUTOR))
                .put("handlerRunsIo", tally.get("handler.runs." + HandlerKind.IO))
                .put("handlerRunsSharedIo", tally.get("handler.runs." + HandlerKind.SHARED_IO))
                .put("handlerRunsSharedPool", tally.get("handler.runs." + HandlerKind.SHARED_POOL))
                .put("handlerThrew", tally.get("handler.threw"))
                .put("handlerLeftOpen", tally.get("handler.leftOpen"))
                .put("handlerRefused", tally.get("handler.refused"))
                .put("sharedIoThreads", sharedGenerations.get())
                .put("worstConnectMillis", TimeUnit.NANOSECONDS.toMillis(worstConnectNanos.get()));
        tally.snapshot().forEach((k, v) -> {
            if (k.startsWith("fault.")) {
                summary.put(k, v);
            }
        });
        summary.put("duplicates", tally.get("fg.duplicate"))
                .put("wrongResults", tally.get("fg.wrong"))
                .put("lostByRestart", lostByRestart)
                .put("lost", lost)
                .put("leakedThreads", leaked.size())
                .print();
        System.out.println("conservation tally: " + tally.snapshot() + "; errors: " + errors);

        assertThat(errors).as("errors in client/worker threads").isEmpty();
        assertThat(lost).as("lost background jobs").isZero();
        assertThat(tally.get("fg.duplicate")).as("foreground jobs that ended twice").isZero();
        assertThat(tally.get("fg.wrong")).as("foreground jobs with a result that is not theirs or an outcome their worker did not send").isZero();
        assertThat(fgOpen).as("foreground jobs whose completion never came").isEmpty();
        synchronized (fgEnded) {
            assertThat((long) fgEnded.cardinality()).as("foreground jobs ended").isEqualTo(tally.get("fg.created"));
        }
        assertThat(notByWorker).as("background completions no worker sent").isZero();
        assertThat(confirmedUnknown).as("background jobs confirmed to a client but unknown to the server").isZero();
        assertThat(tally.get("fault.worker-reset") + tally.get("fault.worker-close")).as("worker faults injected").isPositive();
        assertThat(tally.get("fg.completed")).as("foreground jobs completed").isPositive();
        assertThat(bgCompleted).as("background jobs completed").isPositive();
        for (HandlerKind kind : HandlerKind.values()) {
            assertThat(tally.get("handler.runs." + kind)).as("jobs run by " + kind + " handlers").isPositive();
        }
        assertThat(tally.get("fault.shared-close")).as("shared I/O threads closed under their users").isPositive();
        assertThat(executorLeftRunning).as("the handler executor given to the workers is still running").isTrue();
        assertThat(leaked).as("threads of ours alive after everything was closed").isEmpty();
        assertThat(Duration.ofNanos(worstConnectNanos.get())).as("longest wait of a client for its (re)connection")
                .isLessThan(RECONNECT_BOUND);
    }

    // ------------------------------------------------------------------ server side

    private Generation startServer(int onPort) {
        Server server = Server.builder().listenAddress("127.0.0.1").port(onPort)
                .workerLossPolicy(WorkerLossPolicy.DEFAULT).build();
        Generation g = new Generation(server, ServerAccess.core(server));
        g.core.addEventListener(g::onEvent);
        server.start();
        current = g;
        return g;
    }

    /** One server instance and what its events said, gathered on its loop thread. */
    private final class Generation {
        final Server server;
        final ServerCore core;
        /** handle -> id of background jobs created and not ended; guarded by this. */
        private final Map<String, Long> openBg = new HashMap<>();
        /** handle -> id of foreground jobs; loop thread only. */
        private final Map<String, Long> fg = new HashMap<>();
        final List<Long> createdIds = new ArrayList<>();
        final List<Long> completedIds = new ArrayList<>();
        long bgCreated;
        long bgCompleted;
        long bgLost;
        long requeued;

        Generation(Server server, ServerCore core) {
            this.server = server;
            this.core = core;
        }

        void onEvent(ServerEvent event) {
            if (event instanceof ServerEvent.JobSubmitted) {
                ServerEvent.JobSubmitted e = (ServerEvent.JobSubmitted) event;
                if (!e.function().equals(FUNCTION)) {
                    return;
                }
                if (e.coalesced()) {
                    error("job coalesced although every unique differs: " + e);
                }
                long id = Spec.parse(new String(e.payload(), StandardCharsets.UTF_8)).id;
                if (e.background()) {
                    synchronized (this) {
                        openBg.put(e.handle(), id);
                        createdIds.add(id);
                        bgCreated++;
                    }
                } else {
                    fg.put(e.handle(), id);
                    if (chaos && ThreadLocalRandom.current().nextDouble() < CLIENT_FAULT) {
                        later(e.connectionId(), true, "client-reset");
                    }
                }
            } else if (event instanceof ServerEvent.JobAssigned) {
                ServerEvent.JobAssigned e = (ServerEvent.JobAssigned) event;
                if (chaos && ThreadLocalRandom.current().nextDouble() < WORKER_FAULT) {
                    boolean reset = ThreadLocalRandom.current().nextBoolean();
                    later(e.workerConnectionId(), reset, reset ? "worker-reset" : "worker-close");
                }
            } else if (event instanceof ServerEvent.JobCompleted) {
                String handle = ((ServerEvent.JobCompleted) event).handle();
                synchronized (this) {
                    Long id = openBg.remove(handle);
                    if (id != null) {
                        bgCompleted++;
                        completedIds.add(id);
                        notifyAll();
                    }
                }
                fg.remove(handle);
            } else if (event instanceof ServerEvent.JobFailed) {
                ended(((ServerEvent.JobFailed) event).handle(), "failed: " + ((ServerEvent.JobFailed) event).reason());
            } else if (event instanceof ServerEvent.JobException) {
                ended(((ServerEvent.JobException) event).handle(), "ended with an exception");
            } else if (event instanceof ServerEvent.JobCancelled) {
                ended(((ServerEvent.JobCancelled) event).handle(), "cancelled: " + ((ServerEvent.JobCancelled) event).reason());
            } else if (event instanceof ServerEvent.JobRequeued) {
                synchronized (this) {
                    requeued++;
                }
            }
        }

        /** A job ended other than by WORK_COMPLETE: fine for a foreground job, a loss for a background one. */
        private void ended(String handle, String how) {
            fg.remove(handle);
            synchronized (this) {
                Long id = openBg.remove(handle);
                if (id != null) {
                    bgLost++;
                    error("background job " + id + " (" + handle + ") " + how);
                    notifyAll();
                }
            }
        }

        /** Breaks a connection a few milliseconds from now, on the loop, outside the server's handler. */
        private void later(long connectionId, boolean reset, String kind) {
            core.loop().schedule(Duration.ofMillis(ThreadLocalRandom.current().nextInt(4)), () -> {
                NioConnection c = core.connection(connectionId);
                if (c == null || !c.isOpen()) {
                    return;
                }
                tally.add("fault." + kind);
                if (reset) {
                    c.reset("injected fault " + kind);
                } else {
                    c.closeAfterFlush("injected fault " + kind);
                }
            });
        }

        synchronized List<Long> openBackground() {
            return new ArrayList<>(openBg.values());
        }

        synchronized List<Long> awaitNoOpenBackground(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!openBg.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return new ArrayList<>(openBg.values());
        }
    }

    // ------------------------------------------------------------------ workers

    private void workerLoop(int n) {
        while (!stopWorkers) {
            Worker worker = Worker.builder().clientId("conserve-w" + n)
                    .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200)).build();
            try {
                worker.addServer("127.0.0.1", port);
                worker.registerFunction(FUNCTION);
                int life = ThreadLocalRandom.current().nextInt(50, 2000);
                for (int k = 0; k < life && !stopWorkers; k++) {
                    WorkerJob job;
                    try {
                        job = worker.getJob(Duration.ofMillis(300));
                    } catch (GearmanTimeoutException e) {
                        continue;
                    }
                    tally.add("worker.runs");
                    Spec spec = Spec.parse(job.argumentsAsString());
                    if (chaos && ThreadLocalRandom.current().nextDouble() < WORKER_QUIT) {
                        tally.add("fault.worker-quit");
                        break; // closes the Worker below while holding the job
                    }
                    try {
                        sendDataNowAndThen(job, spec);
                        switch (spec.mode) {
                            case 'c':
                                complete(job, spec);
                                break;
                            case 'f':
                                job.sendWorkFail();
                                break;
                            default:
                                job.sendWorkException("x" + spec.id);
                        }
                    } catch (ConnectionException e) {
                        tally.add("worker.refused"); // its connection was broken under it: the server requeues or fails it
                    }
                }
            } catch (WorkerInterruptedException e) {
                // shut down
            } finally {
                worker.close();
            }
        }
    }

    // ------------------------------------------------------------------ handler workers

    /** Where a worker's handlers run, and on which I/O thread. */
    private enum HandlerKind {
        POOL(false, false), EXECUTOR(false, false), IO(true, false), SHARED_IO(true, true), SHARED_POOL(false, true);

        final boolean onIoThread;
        final boolean shared;

        HandlerKind(boolean onIoThread, boolean shared) {
            this.onIoThread = onIoThread;
            this.shared = shared;
        }
    }

    /**
     * A worker thread for a {@link dev.gear.JobHandler}: makes a worker, lets its handler run a
     * random number of jobs (the worker grabs them itself), closes it, again. The shared kinds run
     * on the shared I/O thread of the moment and start over when it is closed under them.
     */
    private void handlerWorkerLoop(String name, HandlerKind kind) throws InterruptedException {
        SharedIoThread io = null;
        while (!stopWorkers) {
            Worker.Builder builder = Worker.builder().clientId("conserve-" + name)
                    .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200))
                    .maxConcurrentJobs(ThreadLocalRandom.current().nextInt(2, 5));
            if (kind.onIoThread) {
                builder.runHandlersOnIoThread();
            }
            if (kind == HandlerKind.EXECUTOR) {
                builder.handlerExecutor(handlerExecutor);
            }
            if (kind.shared) {
                io = nextSharedIo(io, () -> stopWorkers);
                if (io == null) {
                    return;
                }
                builder.ioThread(io);
            }
            Worker worker;
            try {
                worker = builder.build();
            } catch (IllegalStateException e) {
                if (kind.shared && io.isClosed()) {
                    continue;
                }
                throw e;
            }
            SharedIoThread ourIo = io;
            Life life = new Life(ThreadLocalRandom.current().nextInt(50, 2000));
            try {
                worker.addServer("127.0.0.1", port);
                worker.registerFunction(FUNCTION, job -> handle(job, worker, life, kind));
                while (!stopWorkers && !life.isOver() && (ourIo == null || !ourIo.isClosed())) {
                    life.awaitOver(Duration.ofMillis(100));
                }
                if (!stopWorkers && life.inFlight() > 0) {
                    tally.add("fault.handler-worker-close-busy"); // closed with handlers still running
                }
            } catch (GearmanException e) {
                if (ourIo == null || !ourIo.isClosed()) {
                    throw e;
                }
                // its shared I/O thread was closed under it (addServer refused)
            } finally {
                worker.close();
            }
        }
    }

    /**
     * One handler job: answers as the job's spec says, leaving a quarter of the failures and
     * exceptions to the library (return without ending the job: WORK_FAIL; throw: WORK_EXCEPTION
     * with the exception's toString, here {@code x<id>}), or, as a fault, closes its own worker
     * while holding the job; the library must then send nothing more for it (a late WORK_FAIL or
     * WORK_EXCEPTION would fail a background job, counted as lost, or end a foreground one wrongly).
     */
    private void handle(WorkerJob job, Worker worker, Life life, HandlerKind kind) {
        life.started();
        try {
            tally.add("handler.runs");
            tally.add("handler.runs." + kind);
            Spec spec = Spec.parse(job.argumentsAsString());
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (chaos && random.nextDouble() < WORKER_QUIT) {
                tally.add("fault.handler-quit");
                life.end();
                worker.close();
                if (random.nextBoolean()) {
                    throw new HandlerFault("quit while holding " + spec.id);
                }
                return;
            }
            try {
                sendDataNowAndThen(job, spec);
                switch (spec.mode) {
                    case 'c':
                        complete(job, spec);
                        break;
                    case 'f':
                        if (random.nextInt(4) == 0) {
                            tally.add("handler.leftOpen");
                            return; // the library ends it with WORK_FAIL
                        }
                        job.sendWorkFail();
                        break;
                    default:
                        if (random.nextInt(4) == 0) {
                            tally.add("handler.threw");
                            throw new HandlerFault("x" + spec.id); // the library ends it with WORK_EXCEPTION "x<id>"
                        }
                        job.sendWorkException("x" + spec.id);
                }
            } catch (ConnectionException e) {
                tally.add("handler.refused"); // its connection was broken under it: the server requeues or fails it
            }
        } finally {
            life.finished();
        }
    }

    /** Every fifth job sends WORK_DATA before it ends (getJob and handler workers alike). */
    private static void sendDataNowAndThen(WorkerJob job, Spec spec) {
        if (spec.id % 5 == 0) {
            job.sendWorkData("d" + spec.id);
        }
    }

    /** WORK_COMPLETE with the result the client checks, and the id recorded as completed by a worker. */
    private void complete(WorkerJob job, Spec spec) {
        job.sendWorkComplete("r" + spec.id);
        synchronized (workerCompleted) {
            workerCompleted.set((int) spec.id);
        }
    }

    /** What a handler throws: its toString is its message alone (the WORK_EXCEPTION data), with no stack trace to log. */
    private static final class HandlerFault extends RuntimeException {
        HandlerFault(String message) {
            super(message, null, false, false);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }

    /** How many jobs one handler worker runs before it is closed, and how many run now. */
    private static final class Life {
        private final int jobs;
        private final AtomicInteger started = new AtomicInteger();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final CountDownLatch over = new CountDownLatch(1);

        Life(int jobs) {
            this.jobs = jobs;
        }

        void started() {
            inFlight.incrementAndGet();
            if (started.incrementAndGet() >= jobs) {
                over.countDown();
            }
        }

        void finished() {
            inFlight.decrementAndGet();
        }

        void end() {
            over.countDown();
        }

        boolean isOver() {
            return over.getCount() == 0;
        }

        void awaitOver(Duration timeout) throws InterruptedException {
            over.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        int inFlight() {
            return inFlight.get();
        }
    }

    // ------------------------------------------------------------------ the shared I/O thread

    /**
     * Starts a shared I/O thread, lets its users work for 0.3–1.5 s, closes it under them (which
     * shuts each one down with its jobs in flight) and starts the next; once the faults stop it
     * keeps the last one until the workers stop.
     */
    private void sharedIoLoop() throws InterruptedException {
        while (true) {
            SharedIoThread io = SharedIoThread.start("conserve-shared-" + sharedGenerations.incrementAndGet());
            try {
                synchronized (sharedLock) {
                    sharedIo = io;
                    sharedLock.notifyAll();
                }
                boolean stopping;
                do {
                    int millis = ThreadLocalRandom.current().nextInt(SHARED_MIN_MILLIS, SHARED_MAX_MILLIS);
                    stopping = workersStopped.await(millis, TimeUnit.MILLISECONDS);
                } while (!stopping && !chaos);
                if (stopping) {
                    return;
                }
                tally.add("fault.shared-close");
            } finally {
                io.close();
            }
        }
    }

    /** The shared I/O thread after {@code previous} (waiting for the next one), or null once {@code stop} says so. */
    private SharedIoThread nextSharedIo(SharedIoThread previous, BooleanSupplier stop) throws InterruptedException {
        long deadline = System.nanoTime() + END_BOUND.toNanos();
        synchronized (sharedLock) {
            while (!stop.getAsBoolean() && (sharedIo == null || sharedIo == previous || sharedIo.isClosed())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no new shared I/O thread within " + END_BOUND);
                }
                TimeUnit.NANOSECONDS.timedWait(sharedLock, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            return stop.getAsBoolean() ? null : sharedIo;
        }
    }

    // ------------------------------------------------------------------ clients

    /** A client thread: makes a client, submits a random number of jobs, closes it, again; {@code shared}: on the shared I/O thread. */
    /** Which I/O thread a client loop's clients run on. */
    private enum ClientIo {
        /** The default: the JVM-wide I/O thread. */
        JVM_WIDE,
        /** {@code ownIoThread()}: one each, ended by its close. */
        OWN,
        /** One {@link SharedIoThread} after another, closed under them. */
        SHARED
    }

    private void clientLoop(String n, ClientIo clientIo) throws InterruptedException {
        boolean shared = clientIo == ClientIo.SHARED;
        ClientListener ends = new ClientListener() {
            @Override
            public void onWorkComplete(Job job) {
                end(job, "fg.completed");
            }

            @Override
            public void onWorkFail(Job job) {
                end(job, "fg.failed");
            }

            @Override
            public void onWorkException(Job job) {
                end(job, "fg.exception");
            }

            @Override
            public void onDisconnect(Job job) {
                end(job, "fg.disconnected");
            }
        };
        SharedIoThread io = null;
        while (!stopClients) {
            Client.Builder builder = Client.builder().clientId("conserve-" + n).listener(ends)
                    .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200));
            if (shared) {
                io = nextSharedIo(io, () -> stopClients);
                if (io == null) {
                    return;
                }
                builder.ioThread(io);
            } else if (clientIo == ClientIo.OWN) {
                builder.ownIoThread();
            }
            Client client;
            try {
                client = builder.build();
            } catch (IllegalStateException e) {
                if (shared && io.isClosed()) {
                    continue; // closed since we got it: take the next one
                }
                throw e;
            }
            SharedIoThread ourIo = io;
            BooleanSupplier ioClosed = () -> ourIo != null && ourIo.isClosed();
            Semaphore window = new Semaphore(WINDOW);
            try {
                try {
                    client.addServer("127.0.0.1", port);
                    awaitServer(client);
                    int life = ThreadLocalRandom.current().nextInt(100, 3000);
                    for (int k = 0; k < life && !stopClients && !ioClosed.getAsBoolean(); k++) {
                        if (!window.tryAcquire(END_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                            error("client " + n + ": no job of the window ended within " + END_BOUND);
                            return;
                        }
                        if (client.getConnections().stream().noneMatch(dev.gear.Connection::isConnected)) {
                            awaitServer(client); // reconnecting: don't spin on failures
                        }
                        submitOne(client, window, ioClosed);
                    }
                } catch (GearmanException e) {
                    if (!ioClosed.getAsBoolean()) {
                        throw e;
                    }
                    // its shared I/O thread was closed under it (addServer refused): the jobs in flight end below
                }
                boolean quitNow = !stopClients && !ioClosed.getAsBoolean() && ThreadLocalRandom.current().nextBoolean();
                if (quitNow && window.availablePermits() < WINDOW) {
                    tally.add("fault.client-quit"); // close with jobs in flight
                } else if (!window.tryAcquire(WINDOW, END_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                    error("client " + n + ": jobs in flight did not end within " + END_BOUND);
                }
            } finally {
                client.close();
            }
        }
    }

    /**
     * Waits for the client to (re)connect, and records how long that took: with a 10–200 ms
     * back-off and a server that is up (the restart only closes and reopens it), anything beyond
     * {@link #RECONNECT_BOUND} is a stall.
     */
    private void awaitServer(Client client) {
        long start = System.nanoTime();
        client.waitForServer(Duration.ofSeconds(20));
        worstConnectNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
    }

    private void submitOne(Client client, Semaphore window, BooleanSupplier ioClosed) {
        long id = ids.incrementAndGet();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        boolean background = random.nextInt(10) < 3;
        int roll = random.nextInt(10);
        char mode = background || roll < 8 ? 'c' : roll == 8 ? 'f' : 'x';
        Job job = new Job(FUNCTION, new Spec(id, background, mode).toString(), "u" + id);
        if (!background) {
            fgOpen.put(id, job); // before the submit: its end may come on the I/O thread at once
        }
        client.submitJobAsync(job, background, Precedence.NORMAL, Duration.ofSeconds(10)).whenComplete((j, e) -> {
            if (e != null) {
                fgOpen.remove(id);
                Throwable cause = e.getCause() != null && !(e instanceof GearmanException) ? e.getCause() : e;
                boolean shutDownWithItsIo = ioClosed.getAsBoolean() && cause instanceof GearmanException;
                if (!(cause instanceof ConnectionException || cause instanceof NoConnectedServersException
                        || cause instanceof GearmanTimeoutException || shutDownWithItsIo)) {
                    error("submit of " + id + " failed unexpectedly: " + cause);
                }
                tally.add("submit.failed");
                tally.add("submit.failed." + cause.getClass().getSimpleName());
                window.release();
            } else if (background) {
                tally.add("bg.created");
                synchronized (bgConfirmed) {
                    bgConfirmed.set((int) id);
                }
                window.release();
            } else {
                tally.add("fg.created");
                job.completion().whenComplete((done, x) -> {
                    fgOpen.remove(id);
                    window.release();
                });
            }
        });
    }

    private void end(Job job, String outcome) {
        Spec spec = Spec.parse(job.argumentsAsString());
        tally.add(outcome);
        synchronized (fgEnded) {
            if (fgEnded.get((int) spec.id)) {
                tally.add("fg.duplicate");
                error("foreground job " + spec.id + " ended twice; second: " + outcome);
                return;
            }
            fgEnded.set((int) spec.id);
        }
        List<byte[]> data = job.data();
        boolean fits;
        switch (outcome) {
            case "fg.completed":
                fits = spec.mode == 'c' && !data.isEmpty()
                        && new String(data.get(data.size() - 1), StandardCharsets.UTF_8).equals("r" + spec.id);
                break;
            case "fg.exception":
                fits = spec.mode == 'x' && ("x" + spec.id).equals(job.exceptionAsString());
                break;
            default: // WORK_FAIL (from the worker, or from the server for a lost worker) or a lost connection
                fits = job.isFailure();
        }
        if (!fits) {
            tally.add("fg.wrong");
            error("foreground job " + spec + " ended as " + outcome + " with data " + job.dataAsString());
        }
    }

    // ------------------------------------------------------------------ plumbing


    private void guarded(ThrowingRunnable body) {
        try {
            body.run();
        } catch (Throwable t) {
            error("thread failed: " + t);
        }
    }

    private void error(String what) {
        if (errors.size() < 50) {
            errors.add(what);
        }
        failed.countDown();
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** What a job is: its id, kind and what its worker must answer (c complete, f fail, x exception). */
    private static final class Spec {
        final long id;
        final boolean background;
        final char mode;

        Spec(long id, boolean background, char mode) {
            this.id = id;
            this.background = background;
            this.mode = mode;
        }

        static Spec parse(String payload) {
            String[] parts = payload.split(":");
            return new Spec(Long.parseLong(parts[0]), parts[1].equals("bg"), parts[2].charAt(0));
        }

        @Override
        public String toString() {
            return id + ":" + (background ? "bg" : "fg") + ":" + mode;
        }
    }

    /** Named counters. */
    private static final class Tally {
        private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

        void add(String name) {
            counts.computeIfAbsent(name, k -> new LongAdder()).increment();
        }

        long get(String name) {
            LongAdder a = counts.get(name);
            return a == null ? 0 : a.sum();
        }

        Map<String, Long> snapshot() {
            Map<String, Long> out = new TreeMap<>();
            counts.forEach((k, v) -> out.put(k, v.sum()));
            return out;
        }
    }
}
