package dev.gear.internal.client;

import dev.gear.GearmanException;
import dev.gear.GearmanTimeoutException;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.WorkerInterruptedException;
import dev.gear.internal.transport.EventLoop;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's side of every server connection: registers functions and fetches jobs for the
 * threads waiting in {@code getJob}.
 *
 * <p>Per connection it follows gear's state machine: IDLE --GRAB_JOB_UNIQ--> GRAB_WAIT;
 * NO_JOB --PRE_SLEEP--> SLEEP; NOOP --> IDLE; JOB_ASSIGN_UNIQ --> IDLE. Unlike gear, it never has
 * more grabs outstanding than there are waiting {@code getJob} calls: with one waiting thread and
 * three servers it asks one server at a time (round-robin, a server that said NO_JOB goes to sleep
 * and the next idle one is asked), so a single caller never gets one job per server with the
 * extras parked while the servers count them as running. A job can still arrive for nobody when a
 * caller times out or is stopped while its grab is on the wire; it is kept and handed to the next
 * {@code getJob} (or dropped, and requeued by the server, if its connection goes first).
 */
public final class WorkerCore implements ConnectionRole<GrabState> {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerCore.class);
    private static final Packet GRAB_JOB_UNIQ = Packet.request(PacketType.GRAB_JOB_UNIQ);
    private static final Packet PRE_SLEEP = Packet.request(PacketType.PRE_SLEEP);

    private final ServerPool<GrabState> pool;
    /** Registered functions and their timeouts (null for none), in registration order. */
    private final Map<String, Duration> functions = new LinkedHashMap<>();
    /** The functions registered with a handler; guarded by {@link #functions}. */
    private final Map<String, AssignedJobHandler> handlers = new HashMap<>();
    /** An immutable copy of {@link #handlers} for the I/O thread, replaced on each change. */
    private volatile Map<String, AssignedJobHandler> handlerView = Map.of();
    private final JobDispatcher dispatcher;
    private final ConcurrentLinkedDeque<CompletableFuture<AssignedJob>> waiters = new ConcurrentLinkedDeque<>();
    /** Jobs assigned while nobody was waiting; I/O thread only. */
    private final ArrayDeque<AssignedJob> parked = new ArrayDeque<>();
    private int outstandingGrabs;
    private int roundRobin;
    /** Whether a pump task is queued on the loop; getJob calls in a burst share one. */
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    private final Runnable pumpTask = () -> {
        pumpScheduled.set(false);
        pump();
    };

    /** {@code sharedLoop} null: the worker gets an I/O thread of its own, named {@code threadName}. */
    public WorkerCore(String threadName, PoolSettings settings, HandlerSettings handlerSettings, EventLoop sharedLoop) {
        this.pool = new ServerPool<>(threadName, settings, this, sharedLoop);
        this.dispatcher = new JobDispatcher(pool.loop(), handlerSettings, threadName, this::pump);
    }

    public ServerPool<GrabState> pool() {
        return pool;
    }

    // ---- functions (any thread) ------------------------------------------------------------

    /** Registers a function; with a {@code handler} its jobs go to it, else to {@code getJob}. */
    public void register(String name, Duration timeout, AssignedJobHandler handler) {
        synchronized (functions) {
            functions.put(name, timeout);
            if (handler == null) {
                handlers.remove(name);
            } else {
                handlers.put(name, handler);
            }
            handlerView = Map.copyOf(handlers);
        }
        pool.loop().execute(() -> {
            for (ServerLink<GrabState> server : pool.connected()) {
                announce(server, name, timeout);
            }
            wakeSleepers();
            pump();
        });
    }

    public void unregister(String name) {
        boolean known;
        synchronized (functions) {
            known = functions.containsKey(name);
            functions.remove(name);
            handlers.remove(name);
            handlerView = Map.copyOf(handlers);
        }
        if (known) {
            pool.loop().execute(() -> {
                for (ServerLink<GrabState> server : pool.connected()) {
                    GrabState st = server.roleState();
                    if (st != null && st.announced.containsKey(name)) {
                        st.announced.remove(name);
                        server.send(Packet.request(PacketType.CANT_DO, name));
                    }
                }
            });
        }
    }

    public void setFunctions(Map<String, Duration> replacement) {
        synchronized (functions) {
            functions.clear();
            functions.putAll(replacement);
            handlers.clear();
            handlerView = Map.of();
        }
        pool.loop().execute(() -> {
            Map<String, Duration> now = functionsSnapshot();
            for (ServerLink<GrabState> server : pool.connected()) {
                server.send(Packet.request(PacketType.RESET_ABILITIES));
                GrabState st = server.roleState();
                if (st != null) {
                    st.announced.clear();
                }
                now.forEach((name, timeout) -> announce(server, name, timeout));
            }
            wakeSleepers();
            pump();
        });
    }

    public Map<String, Duration> functionsSnapshot() {
        synchronized (functions) {
            return new LinkedHashMap<>(functions);
        }
    }

    /** Sends CAN_DO/CAN_DO_TIMEOUT unless this connection already has the same registration. */
    private static void announce(ServerLink<GrabState> server, String name, Duration timeout) {
        GrabState st = server.roleState();
        if (st == null) {
            return; // not greeted yet: onConnected announces every function
        }
        if (st.announced.containsKey(name) && java.util.Objects.equals(st.announced.get(name), timeout)) {
            return;
        }
        st.announced.put(name, timeout);
        sendCanDo(server, name, timeout);
    }

    private static void sendCanDo(ServerLink<GrabState> server, String name, Duration timeout) {
        if (timeout == null) {
            server.send(Packet.request(PacketType.CAN_DO, name));
        } else {
            // gearmand reads the number as milliseconds (verified against 1.1.20).
            server.send(Packet.request(PacketType.CAN_DO_TIMEOUT, name, Long.toString(timeout.toMillis())));
        }
    }

    /**
     * After a registration change a sleeping connection may now have work the server will not
     * wake us for (CAN_DO wakes nobody), so it is asked again, as gear does.
     */
    private void wakeSleepers() {
        for (ServerLink<GrabState> server : pool.connected()) {
            GrabState st = server.roleState();
            if (st != null && st.sleeping) {
                st.sleeping = false;
                st.hot = false;
            }
        }
    }

    // ---- getJob ----------------------------------------------------------------------------

    /**
     * Waits for a job; {@code timeout} null waits without limit.
     *
     * @throws WorkerInterruptedException when stopped, shut down or the thread is interrupted
     * @throws GearmanTimeoutException    when no job came within {@code timeout}
     */
    public AssignedJob getJob(Duration timeout) {
        if (pool.isClosed()) {
            throw new WorkerInterruptedException("worker is shut down");
        }
        Await.refuseOnIoThread(() -> "getJob");
        CompletableFuture<AssignedJob> waiter = new CompletableFuture<>();
        waiters.add(waiter);
        if (pool.isClosed()) {
            waiter.completeExceptionally(new WorkerInterruptedException("worker is shut down"));
        }
        requestPump();
        try {
            return timeout == null ? waiter.get() : waiter.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            waiter.completeExceptionally(new GearmanTimeoutException("no job within " + timeout.toMillis() + " ms"));
            return settle(waiter);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            waiter.completeExceptionally(new WorkerInterruptedException("getJob was interrupted"));
            return settle(waiter);
        } catch (ExecutionException e) {
            throw Await.unwrap(e.getCause(), "getJob");
        }
    }

    /** Has the loop pump soon; one queued task serves any number of callers. Any thread. */
    private void requestPump() {
        if (!pumpScheduled.get() && pumpScheduled.compareAndSet(false, true)) {
            pool.loop().execute(pumpTask);
        }
    }

    /** The outcome of a waiter that is done: a job that won the race, or the exception. */
    private AssignedJob settle(CompletableFuture<AssignedJob> waiter) {
        waiters.remove(waiter);
        try {
            return waiter.get();
        } catch (ExecutionException e) {
            throw Await.unwrap(e.getCause(), "getJob");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkerInterruptedException("getJob was interrupted");
        }
    }

    /** Makes every waiting getJob throw WorkerInterruptedException. Any thread. */
    public void stopWaiting(String why) {
        CompletableFuture<AssignedJob> waiter;
        while ((waiter = waiters.poll()) != null) {
            waiter.completeExceptionally(new WorkerInterruptedException(why));
        }
    }

    /** Number of getJob calls waiting now. Any thread. */
    public int waitingCount() {
        int n = 0;
        for (CompletableFuture<AssignedJob> w : waiters) {
            if (!w.isDone()) {
                n++;
            }
        }
        return n;
    }

    public void shutdown() {
        pool.close("worker shut down");
        stopWaiting("worker shut down");
        dispatcher.shutdown();
    }

    /**
     * Hands parked jobs to waiters, then grabs for the waiters and the free handler slots that have
     * no grab working for them.
     */
    private void pump() {
        assert pool.loop().inLoop();
        while (!parked.isEmpty()) {
            AssignedJob job = parked.peek();
            if (!job.isLive()) {
                parked.poll();
                LOG.warn("dropping unclaimed job {} from {}: its connection is gone (the server requeues or fails it)",
                        job.handleString(), job.server());
                continue;
            }
            if (!offer(job)) {
                break;
            }
            parked.poll();
        }
        waiters.removeIf(CompletableFuture::isDone);
        int handlerSlots = handlerView.isEmpty() ? 0 : dispatcher.freeSlots();
        int free = waitingCount() + handlerSlots - outstandingGrabs;
        while (free > 0) {
            ServerLink<GrabState> server = nextIdle();
            if (server == null) {
                return;
            }
            grab(server);
            free--;
        }
    }

    private boolean offer(AssignedJob job) {
        CompletableFuture<AssignedJob> waiter;
        while ((waiter = waiters.poll()) != null) {
            if (waiter.complete(job)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The next connection (round-robin) that may take a grab now: awake and not waiting for an
     * answer, or hot (it just handed out a job, so more grabs may go out at once).
     */
    private ServerLink<GrabState> nextIdle() {
        List<ServerLink<GrabState>> connected = pool.connected();
        int n = connected.size();
        for (int i = 0; i < n; i++) {
            int index = (roundRobin + i) % n;
            ServerLink<GrabState> server = connected.get(index);
            GrabState st = server.roleState();
            if (st != null && st.canGrab() && server.isConnected()) {
                roundRobin = (index + 1) % n;
                return server;
            }
        }
        return null;
    }

    private void grab(ServerLink<GrabState> server) {
        GrabState st = server.roleState();
        st.grabsInFlight++;
        outstandingGrabs++;
        if (st.reply == null) {
            st.reply = new GrabReply(server, st);
        }
        server.send(GRAB_JOB_UNIQ, st.reply);
    }

    /** Sleeps once no grab is left unanswered on the connection (a later grab may still bring a job). */
    private static void sleepIfDone(ServerLink<GrabState> server, GrabState st) {
        if (st.grabsInFlight == 0 && !st.sleeping) {
            st.sleeping = true;
            server.send(PRE_SLEEP);
        }
    }

    /** The answer to a GRAB_JOB_UNIQ on one connection. */
    final class GrabReply implements PendingReply {
        private final ServerLink<GrabState> server;
        private final GrabState st;

        GrabReply(ServerLink<GrabState> server, GrabState st) {
            this.server = server;
            this.st = st;
        }

        @Override
        public boolean expects(PacketType type) {
            return type == PacketType.NO_JOB || type == PacketType.JOB_ASSIGN_UNIQ || type == PacketType.JOB_ASSIGN;
        }

        @Override
        public void onReply(Packet packet) {
            outstandingGrabs--;
            st.grabsInFlight--;
            if (packet.type() == PacketType.NO_JOB) {
                st.hot = false;
                sleepIfDone(server, st);
            } else {
                st.hot = true;
                AssignedJob job = AssignedJob.from(packet, server, server.socket());
                AssignedJobHandler handler = handlerView.isEmpty() ? null : handlerView.get(job.nameString());
                if (handler != null) {
                    dispatcher.dispatch(job, handler);
                } else if (!offer(job)) {
                    parked.add(job);
                }
            }
            pump();
        }

        @Override
        public void onFailure(GearmanException error) {
            outstandingGrabs--;
            st.grabsInFlight--;
            st.hot = false;
            if (server.isConnected()) {
                // Not expected from any server; sleep rather than grab again in a tight loop.
                LOG.warn("GRAB_JOB_UNIQ on {} failed: {}", server, error.getMessage());
                sleepIfDone(server, st);
            }
            pump();
        }
    }

    // ---- connection events -----------------------------------------------------------------

    @Override
    public GrabState newConnectionState() {
        return new GrabState();
    }

    @Override
    public void onConnected(ServerLink<GrabState> server) {
        assert pool.loop().inLoop();
        server.send(Packet.request(PacketType.SET_CLIENT_ID, pool.settings().clientId()));
        functionsSnapshot().forEach((name, timeout) -> announce(server, name, timeout));
        pump();
    }

    @Override
    public void onPacket(ServerLink<GrabState> server, Packet packet) {
        assert pool.loop().inLoop();
        if (packet.type() == PacketType.NOOP) {
            GrabState st = server.roleState();
            if (st != null && st.sleeping) {
                st.sleeping = false;
                st.hot = false;
                pump();
            }
            return;
        }
        LOG.debug("ignoring unexpected {} from {}", packet.type(), server);
    }

    @Override
    public void onDisconnected(ServerLink<GrabState> server, GrabState state, String reason) {
        assert pool.loop().inLoop();
        pump(); // drops parked jobs of this connection; grabs elsewhere if waiters lost theirs
    }

    /** For diagnostics and tests: jobs assigned but not yet handed to a caller. */
    public CompletableFuture<Integer> parkedCount() {
        return pool.loop().submit(parked::size);
    }
}
