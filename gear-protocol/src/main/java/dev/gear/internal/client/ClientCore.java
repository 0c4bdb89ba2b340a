package dev.gear.internal.client;

import dev.gear.GearmanException;
import dev.gear.Job;
import dev.gear.NoConnectedServersException;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.UnknownJobException;
import dev.gear.internal.codec.PacketAccess;
import dev.gear.internal.codec.WireBytes;
import dev.gear.internal.transport.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's side of every server connection: queues submissions for the I/O thread (each then
 * finds its server itself, see {@link Submission}), routes WORK_* packets to every job that holds
 * the handle (gearmand gives coalesced submissions one handle, and each of them must get the
 * results), and ends jobs whose connection drops.
 */
public final class ClientCore implements ConnectionRole<HandleTable> {
    private static final Logger LOG = LoggerFactory.getLogger(ClientCore.class);
    private static final Set<PacketType> STATUS_RES = Collections.unmodifiableSet(EnumSet.of(PacketType.STATUS_RES));
    /**
     * Why a job ended with WORK_FAIL. The client cannot tell a worker's WORK_FAIL from one a server
     * sends for a job it gave up (gearmand fails a foreground job whose worker was lost once its
     * retries are used up; our server when its worker is lost and the job cannot be requeued), so it
     * names both.
     */
    static final String WORK_FAIL_REASON =
            "WORK_FAIL: the worker failed the job, or the server failed it (for example because its worker was lost, or an admin cancelled it)";
    private static final Set<PacketType> OPTION_RES = Collections.unmodifiableSet(EnumSet.of(PacketType.OPTION_RES));

    private final ServerPool<HandleTable> pool;
    private final JobEvents events;
    private final Submission.Context submitContext;
    private final boolean failJobsOnDisconnect;
    /** Options to (re)apply on every connect (gear's {@code client.options}). */
    private final Set<String> options = ConcurrentHashMap.newKeySet();
    /** Submissions not yet taken by the loop, and whether a task to take them is queued. */
    private final ConcurrentLinkedQueue<Submission> submissions = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainSubmissions = this::drainSubmissions;

    /**
     * {@code sharedLoop} null: the client gets an I/O thread of its own, named {@code threadName}.
     *
     * @param failover whether a failed submit moves on to the next connected server (see {@link Submission})
     */
    public ClientCore(String threadName, PoolSettings settings, JobEvents events, boolean failJobsOnDisconnect,
            boolean failover, EventLoop sharedLoop) {
        this.events = events;
        this.failJobsOnDisconnect = failJobsOnDisconnect;
        this.pool = new ServerPool<>(threadName, settings, this, sharedLoop);
        this.submitContext = new Submission.Context(pool, events, failover);
    }

    public ServerPool<HandleTable> pool() {
        return pool;
    }

    /**
     * Submits on the next connected server (and the next ones, with failover). The future
     * completes with the job once JOB_CREATED set its handle, or fails with
     * NoConnectedServersException, SubmitFailedException, GearmanErrorException,
     * ConnectionException or GearmanTimeoutException. Any thread.
     *
     * <p>Submissions wait in a queue that one loop task drains: however many threads submit, and
     * however many jobs a burst holds, the loop is handed one task (and woken at most once) until
     * it has taken them, and their packets leave in one write per server.
     */
    public CompletableFuture<Job> submit(JobProgress state, Packet packet, Duration timeout) {
        Submission submission = new Submission(submitContext, state, packet, timeout);
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
            submission.start();
        }
    }

    /** Sends GET_STATUS for a submitted job and applies the STATUS_RES to it. */
    public CompletableFuture<Job> getStatus(JobProgress state, Duration timeout) {
        ServerLink<HandleTable> server = state.connection();
        byte[] handle = state.handleBytes();
        if (server == null || handle == null) {
            return CompletableFuture.failedFuture(new UnknownJobException(
                    "job " + state.job().name() + " has no handle: submit it before asking its status"));
        }
        return server.request(Packet.request(PacketType.GET_STATUS, handle), STATUS_RES,
                timeout, "GET_STATUS", p -> {
                    state.statusRes("1".equals(p.fieldString(1)), "1".equals(p.fieldString(2)),
                            emptyToNull(p.fieldString(3)), emptyToNull(p.fieldString(4)));
                    events.fire(JobEvents.Kind.STATUS_RES, state.job(), null);
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
            List<ServerLink<HandleTable>> targets = new ArrayList<>(pool.connected());
            if (targets.isEmpty()) {
                result.completeExceptionally(new NoConnectedServersException("No connected Gearman servers; "
                        + pool.describeServers()));
                return;
            }
            boolean added = options.add(name);
            List<CompletableFuture<Packet>> answers = new ArrayList<>();
            for (ServerLink<HandleTable> server : targets) {
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

    @Override
    public HandleTable newConnectionState() {
        return new HandleTable();
    }

    @Override
    public void onConnected(ServerLink<HandleTable> server) {
        assert pool.loop().inLoop();
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
                public void onFailure(GearmanException error) {
                    LOG.warn("reapplying option {} on {} failed: {}", option, server, error.getMessage());
                }
            });
        }
    }

    @Override
    public void onPacket(ServerLink<HandleTable> server, Packet packet) {
        assert pool.loop().inLoop();
        PacketType type = packet.type();
        switch (type) {
            case WORK_DATA, WORK_WARNING, WORK_STATUS, WORK_COMPLETE, WORK_FAIL, WORK_EXCEPTION -> {
            }
            case NOOP -> {
                return;
            }
            default -> {
                LOG.debug("ignoring unexpected {} from {}", type, server);
                return;
            }
        }
        // The handle is the first field; gearmand's WORK_FAIL made from a WORK_EXCEPTION carries a
        // NUL after it. Read in place: the packet's body is not copied to find the job.
        byte[] body = PacketAccess.body(packet);
        int handleEnd = type == PacketType.WORK_FAIL ? WireBytes.stripTrailingNuls(body).length : handleEnd(body);
        String key = JobProgress.key(body, handleEnd);
        boolean ends = type == PacketType.WORK_COMPLETE || type == PacketType.WORK_FAIL
                || type == PacketType.WORK_EXCEPTION;
        JobProgress state = server.roleState().route(key, packet, ends);
        if (state == null) {
            LOG.debug("{} for unknown handle {} from {} ignored", type, key, server);
            return;
        }
        Job job = state.job();
        switch (type) {
            case WORK_DATA -> {
                byte[] data = tail(body, handleEnd);
                state.addData(data);
                events.fire(JobEvents.Kind.DATA, job, data);
            }
            case WORK_WARNING -> {
                byte[] data = tail(body, handleEnd);
                state.addWarning(data);
                events.fire(JobEvents.Kind.WARNING, job, data);
            }
            case WORK_STATUS -> {
                state.status(packet.fieldString(1), packet.fieldString(2));
                events.fire(JobEvents.Kind.STATUS, job, null);
            }
            case WORK_COMPLETE -> {
                state.completed(tail(body, handleEnd));
                events.fire(JobEvents.Kind.COMPLETE, job, null);
            }
            case WORK_FAIL -> {
                state.failed(WORK_FAIL_REASON);
                events.fire(JobEvents.Kind.FAIL, job, null);
            }
            case WORK_EXCEPTION -> {
                state.exception(tail(body, handleEnd));
                events.fire(JobEvents.Kind.EXCEPTION, job, null);
            }
            default -> throw new AssertionError(type);
        }
        if (ends) {
            state.finish();
        }
    }

    /** The data field: everything after the handle's NUL (WORK_* packets have two fields). */
    private static byte[] tail(byte[] body, int handleEnd) {
        return handleEnd >= body.length ? new byte[0] : Arrays.copyOfRange(body, handleEnd + 1, body.length);
    }

    /** Where the handle (the first field) ends: at its NUL, or at the end of a body without one. */
    private static int handleEnd(byte[] body) {
        int nul = WireBytes.indexOfNul(body, 0);
        return nul < 0 ? body.length : nul;
    }

    @Override
    public void onDisconnected(ServerLink<HandleTable> server, HandleTable jobs, String reason) {
        assert pool.loop().inLoop();
        if (jobs == null) {
            return;
        }
        for (JobProgress state : jobs.unfinished()) {
            if (failJobsOnDisconnect) {
                state.failed("connection to " + server + " lost before the job ended: " + reason);
            }
            events.fire(JobEvents.Kind.DISCONNECT, state.job(), null);
            if (failJobsOnDisconnect) {
                state.finish();
            }
        }
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
