package dev.gear.internal.client;

import dev.gear.GearmanException;
import dev.gear.Job;
import dev.gear.NoConnectedServersException;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.UnknownJobException;
import dev.gear.internal.codec.PacketAccess;
import dev.gear.internal.transport.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's side of every server connection: submits jobs round-robin over the connected
 * servers, routes WORK_* packets to every job that holds the handle (gearmand gives coalesced
 * submissions one handle, and each of them must get the results), and ends jobs whose connection
 * drops.
 */
public final class ClientCore implements ConnectionRole {
    private static final Logger LOG = LoggerFactory.getLogger(ClientCore.class);
    private static final Set<PacketType> STATUS_RES = Collections.unmodifiableSet(EnumSet.of(PacketType.STATUS_RES));
    private static final Set<PacketType> OPTION_RES = Collections.unmodifiableSet(EnumSet.of(PacketType.OPTION_RES));

    private final ServerPool pool;
    private final ClientEvents events;
    private final boolean failJobsOnDisconnect;
    /** Options to (re)apply on every connect (gear's {@code client.options}). */
    private final Set<String> options = ConcurrentHashMap.newKeySet();
    /** Submissions not yet taken by the loop, and whether a task to take them is queued. */
    private final ConcurrentLinkedQueue<Submission> submissions = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainSubmissions = this::drainSubmissions;

    /** {@code sharedLoop} null: the client gets an I/O thread of its own, named {@code threadName}. */
    public ClientCore(String threadName, PoolSettings settings, ClientEvents events, boolean failJobsOnDisconnect,
            EventLoop sharedLoop) {
        this.events = events;
        this.failJobsOnDisconnect = failJobsOnDisconnect;
        this.pool = new ServerPool(threadName, settings, this, sharedLoop);
    }

    public ServerPool pool() {
        return pool;
    }

    /**
     * Submits on the next connected server. The future completes with the job once JOB_CREATED
     * set its handle, or fails with NoConnectedServersException, GearmanErrorException,
     * ConnectionException or GearmanTimeoutException. Any thread.
     *
     * <p>Submissions wait in a queue that one loop task drains: however many threads submit, and
     * however many jobs a burst holds, the loop is handed one task (and woken at most once) until
     * it has taken them, and their packets leave in one write per server.
     */
    public CompletableFuture<Job> submit(JobState state, Packet packet, Duration timeout) {
        Submission submission = new Submission(this, state, packet, timeout);
        submissions.add(submission);
        if (pool.isClosed()) {
            // Closed after the caller's check: the loop may be gone and would drop the drain task.
            failQueuedSubmissions();
            return submission;
        }
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
            pool.loop().execute(drainSubmissions);
        }
        return submission;
    }

    /**
     * Fails submissions the loop never took. Runs after the pool closed (its loop has ended, so a
     * drain task given to it late was dropped): without this, a submission racing
     * {@code shutdown()} could leave its future pending forever. Any thread.
     */
    public void failQueuedSubmissions() {
        Submission submission;
        while ((submission = submissions.poll()) != null) {
            submission.completeExceptionally(new GearmanException("client is shut down"));
        }
    }

    /** I/O thread. Clears the flag first: a submission added after that schedules the next drain. */
    private void drainSubmissions() {
        drainScheduled.set(false);
        Submission submission;
        while ((submission = submissions.poll()) != null) {
            if (submission.isDone()) {
                continue; // cancelled or timed out by its caller before it could be written
            }
            ServerConnection server = pool.next();
            if (server == null) {
                submission.completeExceptionally(new NoConnectedServersException(
                        "Unable to submit job: no connected Gearman servers; " + pool.describeServers()));
                continue;
            }
            submission.server = server;
            server.send(submission.packet, submission);
        }
    }

    /** JOB_CREATED for a submission on {@code server}: the job gets its handle. I/O thread. */
    Job created(ServerConnection server, JobState state, Packet packet) {
        byte[] handle = stripTrailingNuls(PacketAccess.body(packet)); // the packet is not kept: no copy needed
        state.created(handle, server);
        if (!state.isBackground()) {
            related(server).add(JobState.key(handle, handle.length), state);
        }
        try {
            events.jobCreated(state.job());
        } catch (RuntimeException e) {
            LOG.error("client event hook failed", e);
        }
        return state.job();
    }

    /** Sends GET_STATUS for a submitted job and applies the STATUS_RES to it. */
    public CompletableFuture<Job> getStatus(JobState state, Duration timeout) {
        ServerConnection server = state.connection();
        byte[] handle = state.handleBytes();
        if (server == null || handle == null) {
            return CompletableFuture.failedFuture(new UnknownJobException(
                    "job " + state.job().name() + " has no handle: submit it before asking its status"));
        }
        return server.request(Packet.request(PacketType.GET_STATUS, handle), STATUS_RES,
                timeout, "GET_STATUS", p -> {
                    state.statusRes("1".equals(p.fieldString(1)), "1".equals(p.fieldString(2)),
                            emptyToNull(p.fieldString(3)), emptyToNull(p.fieldString(4)));
                    safely(() -> events.statusRes(state.job()));
                    return state.job();
                });
    }

    /**
     * Sends OPTION_REQ to every connected server and remembers the option for reconnects. Fails
     * when any server refuses (ERROR UNKNOWN_OPTION) or does not answer in time.
     */
    public CompletableFuture<Void> setOption(String name, Duration timeout) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        pool.loop().execute(() -> {
            List<ServerConnection> targets = new ArrayList<>(pool.connected());
            if (targets.isEmpty()) {
                result.completeExceptionally(new NoConnectedServersException("No connected Gearman servers; "
                        + pool.describeServers()));
                return;
            }
            boolean added = options.add(name);
            List<CompletableFuture<Packet>> answers = new ArrayList<>();
            for (ServerConnection server : targets) {
                Exchange<Packet> exchange = new Exchange<>(OPTION_RES, p -> p, new CompletableFuture<>(), timeout,
                        "OPTION_REQ " + name);
                answers.add(exchange.result());
                server.send(Packet.request(PacketType.OPTION_REQ, name), exchange);
            }
            CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).whenComplete((v, error) -> {
                if (error == null) {
                    result.complete(null);
                } else {
                    if (added) {
                        options.remove(name);
                    }
                    result.completeExceptionally(Await.unwrap(error, "OPTION_REQ " + name));
                }
            });
        });
        return result;
    }

    private static Related related(ServerConnection server) {
        return (Related) server.roleState();
    }

    @Override
    public void onConnected(ServerConnection server) {
        server.setRoleState(new Related());
        server.send(Packet.request(PacketType.SET_CLIENT_ID, pool.settings().clientId()));
        for (String option : options) {
            // Reapplied without blocking anyone; the FIFO entry consumes the answer (gear has none).
            server.send(Packet.request(PacketType.OPTION_REQ, option), new PendingReply() {
                @Override
                public boolean expects(PacketType type) {
                    return type == PacketType.OPTION_RES;
                }

                @Override
                public void onReply(Packet packet) {
                }

                @Override
                public void onFailure(dev.gear.GearmanException error) {
                    LOG.warn("reapplying option {} on {} failed: {}", option, server, error.getMessage());
                }
            });
        }
    }

    @Override
    public void onPacket(ServerConnection server, Packet packet) {
        PacketType type = packet.type();
        switch (type) {
            case WORK_DATA:
            case WORK_WARNING:
            case WORK_STATUS:
            case WORK_COMPLETE:
            case WORK_FAIL:
            case WORK_EXCEPTION:
                break;
            case NOOP:
                return;
            default:
                LOG.debug("ignoring unexpected {} from {}", type, server);
                return;
        }
        // The handle is the first field; gearmand's WORK_FAIL made from a WORK_EXCEPTION carries a
        // NUL after it. Read in place: the packet's body is not copied to find the job.
        byte[] body = PacketAccess.body(packet);
        int handleEnd = type == PacketType.WORK_FAIL ? trimNuls(body, body.length) : indexOfNul(body, 0);
        String key = JobState.key(body, handleEnd);
        Related related = related(server);
        boolean ends = type == PacketType.WORK_COMPLETE || type == PacketType.WORK_FAIL
                || type == PacketType.WORK_EXCEPTION;
        JobState state = related.route(key, packet, ends);
        if (state == null) {
            LOG.debug("{} for unknown handle {} from {} ignored", type, key, server);
            return;
        }
        Job job = state.job();
        try {
            switch (type) {
                case WORK_DATA: {
                    byte[] data = tail(body, handleEnd);
                    state.addData(data);
                    events.workData(job, data);
                    break;
                }
                case WORK_WARNING: {
                    byte[] data = tail(body, handleEnd);
                    state.addWarning(data);
                    events.workWarning(job, data);
                    break;
                }
                case WORK_STATUS:
                    state.status(packet.fieldString(1), packet.fieldString(2));
                    events.workStatus(job);
                    break;
                case WORK_COMPLETE:
                    state.completed(tail(body, handleEnd));
                    events.workComplete(job);
                    break;
                case WORK_FAIL:
                    state.failed("the worker reported failure (WORK_FAIL)");
                    events.workFail(job);
                    break;
                case WORK_EXCEPTION:
                    state.exception(tail(body, handleEnd));
                    events.workException(job);
                    break;
                default:
                    throw new AssertionError(type);
            }
        } catch (RuntimeException e) {
            LOG.error("client event hook failed", e);
        }
        if (ends) {
            state.finish();
        }
    }

    /** The data field: everything after the handle's NUL (WORK_* packets have two fields). */
    private static byte[] tail(byte[] body, int handleEnd) {
        return handleEnd >= body.length ? new byte[0] : Arrays.copyOfRange(body, handleEnd + 1, body.length);
    }

    private static int indexOfNul(byte[] body, int from) {
        for (int i = from; i < body.length; i++) {
            if (body[i] == 0) {
                return i;
            }
        }
        return body.length;
    }

    private static int trimNuls(byte[] body, int end) {
        while (end > 0 && body[end - 1] == 0) {
            end--;
        }
        return end;
    }

    /**
     * A connection's foreground jobs by handle. Almost every handle belongs to one job, stored as
     * it is; only coalesced submissions (same unique, same handle, on this connection) need the
     * shared stream of {@link Listeners}.
     */
    private static final class Related {
        /** Handle key → JobState, or Listeners when several jobs hold the handle. */
        final HashMap<String, Object> byHandle = new HashMap<>();

        void add(String key, JobState state) {
            Object present = byHandle.putIfAbsent(key, state);
            if (present == null) {
                return;
            }
            Listeners listeners;
            if (present instanceof Listeners) {
                listeners = (Listeners) present;
            } else {
                // The first job has had every packet so far: both start at the same point.
                listeners = new Listeners();
                listeners.add((JobState) present);
                byHandle.put(key, listeners);
            }
            listeners.add(state);
        }

        /** The job a WORK_* packet is for (null for none); forgets the handle once all its jobs ended. */
        JobState route(String key, Packet packet, boolean ends) {
            Object entry = byHandle.get(key);
            if (entry == null) {
                return null;
            }
            if (entry instanceof JobState) {
                if (ends) {
                    byHandle.remove(key);
                }
                return (JobState) entry;
            }
            Listeners listeners = (Listeners) entry;
            Slot slot = listeners.next(packet);
            if (ends) {
                slot.ended = true;
                if (listeners.allEnded()) {
                    byHandle.remove(key);
                }
            }
            return slot.job;
        }

        /** Every job that has not ended, for a lost connection. */
        List<JobState> unfinished() {
            List<JobState> out = new ArrayList<>();
            for (Object entry : byHandle.values()) {
                if (entry instanceof JobState) {
                    out.add((JobState) entry);
                } else {
                    for (Slot slot : ((Listeners) entry).slots) {
                        if (!slot.ended) {
                            out.add(slot.job);
                        }
                    }
                }
            }
            return out;
        }
    }

    /**
     * The jobs of one connection that hold one handle. gearmand coalesces submissions with the
     * same unique into one job and sends every WORK_* packet once per submission, so a connection
     * that submitted twice receives each packet twice, in either order (D D C C or D C D C). The
     * packets are kept as one stream and each job has a cursor into it: a packet that is the next
     * one a lagging job expects is that job's copy; any other packet is new and goes to the first
     * job that is up to date. Every Job thus gets the whole stream and its own end (gear gives
     * everything to the last one).
     */
    private static final class Listeners {
        final List<Slot> slots = new ArrayList<>(1);
        /** The packets from index {@code total - stream.size()} on; kept only while jobs share the handle. */
        final java.util.ArrayDeque<Packet> stream = new java.util.ArrayDeque<>();
        long total;

        void add(JobState job) {
            Slot slot = new Slot(job);
            slot.cursor = total; // a late joiner gets only what is still to come
            slots.add(slot);
        }

        Slot next(Packet packet) {
            long first = total - stream.size();
            for (Slot s : slots) {
                if (!s.ended && s.cursor < total && s.cursor >= first && get(s.cursor - first).equals(packet)) {
                    s.cursor++;
                    trim();
                    return s;
                }
            }
            Slot target = null;
            for (Slot s : slots) {
                if (!s.ended && s.cursor == total) {
                    target = s;
                    break;
                }
            }
            if (target == null) { // every job lags: the server skipped a copy; keep going with the first
                for (Slot s : slots) {
                    if (!s.ended) {
                        target = s;
                        break;
                    }
                }
                target.cursor = total;
            }
            total++;
            target.cursor = total;
            if (slots.size() > 1) {
                stream.addLast(packet);
            }
            trim();
            return target;
        }

        private Packet get(long index) {
            java.util.Iterator<Packet> it = stream.iterator();
            for (long i = 0; i < index; i++) {
                it.next();
            }
            return it.next();
        }

        /** Drops packets every live job has seen. */
        private void trim() {
            long min = total;
            for (Slot s : slots) {
                if (!s.ended) {
                    min = Math.min(min, s.cursor);
                }
            }
            while (!stream.isEmpty() && total - stream.size() < min) {
                stream.pollFirst();
            }
        }

        boolean allEnded() {
            for (Slot s : slots) {
                if (!s.ended) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final class Slot {
        final JobState job;
        long cursor;
        boolean ended;

        Slot(JobState job) {
            this.job = job;
        }
    }

    @Override
    public void onDisconnected(ServerConnection server, String reason) {
        Related related = related(server);
        server.setRoleState(null);
        if (related == null) {
            return;
        }
        for (JobState state : related.unfinished()) {
            if (failJobsOnDisconnect) {
                state.failed("connection to " + server + " lost before the job ended: " + reason);
            }
            safely(() -> events.disconnect(state.job()));
            if (failJobsOnDisconnect) {
                state.finish();
            }
        }
    }

    static byte[] stripTrailingNuls(byte[] bytes) {
        int n = bytes.length;
        while (n > 0 && bytes[n - 1] == 0) {
            n--;
        }
        return n == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, n);
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    private static void safely(Runnable hook) {
        try {
            hook.run();
        } catch (RuntimeException e) {
            LOG.error("client event hook failed", e);
        }
    }
}
