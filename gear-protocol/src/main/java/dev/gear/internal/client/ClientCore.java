package dev.gear.internal.client;

import dev.gear.Job;
import dev.gear.NoConnectedServersException;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.UnknownJobException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
    private static final Set<PacketType> JOB_CREATED = EnumSet.of(PacketType.JOB_CREATED);

    private final ServerPool pool;
    private final ClientEvents events;
    private final boolean failJobsOnDisconnect;
    /** Options to (re)apply on every connect (gear's {@code client.options}). */
    private final Set<String> options = ConcurrentHashMap.newKeySet();

    public ClientCore(String threadName, PoolSettings settings, ClientEvents events, boolean failJobsOnDisconnect) {
        this.events = events;
        this.failJobsOnDisconnect = failJobsOnDisconnect;
        this.pool = new ServerPool(threadName, settings, this);
    }

    public ServerPool pool() {
        return pool;
    }

    /**
     * Submits on the next connected server. The future completes with the job once JOB_CREATED
     * set its handle, or fails with NoConnectedServersException, GearmanErrorException,
     * ConnectionException or GearmanTimeoutException.
     */
    public CompletableFuture<Job> submit(JobState state, Packet packet, Duration timeout) {
        CompletableFuture<Job> result = new CompletableFuture<>();
        result.whenComplete((job, error) -> {
            if (error != null) {
                state.submitFailed();
            }
        });
        pool.loop().execute(() -> {
            ServerConnection server = pool.next();
            if (server == null) {
                result.completeExceptionally(new NoConnectedServersException(
                        "Unable to submit job: no connected Gearman servers (" + pool.servers().size() + " configured)"));
                return;
            }
            Exchange<Job> exchange = new Exchange<>(JOB_CREATED, p -> created(server, state, p), result);
            server.requestNow(packet, exchange, timeout, packet.type().toString());
        });
        return result;
    }

    private Job created(ServerConnection server, JobState state, Packet packet) {
        byte[] handle = stripTrailingNuls(packet.field(0));
        state.created(handle, server);
        if (!state.isBackground()) {
            related(server).computeIfAbsent(JobState.key(handle), k -> new Listeners()).add(state);
        }
        safely(() -> events.jobCreated(state.job()));
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
        return server.request(Packet.request(PacketType.GET_STATUS, handle), EnumSet.of(PacketType.STATUS_RES),
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
                result.completeExceptionally(new NoConnectedServersException("No connected Gearman servers"));
                return;
            }
            boolean added = options.add(name);
            List<CompletableFuture<Packet>> answers = new ArrayList<>();
            for (ServerConnection server : targets) {
                Exchange<Packet> exchange = new Exchange<>(EnumSet.of(PacketType.OPTION_RES), p -> p,
                        new CompletableFuture<>());
                answers.add(exchange.result());
                server.requestNow(Packet.request(PacketType.OPTION_REQ, name), exchange, timeout, "OPTION_REQ " + name);
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

    @SuppressWarnings("unchecked")
    private static Map<String, Listeners> related(ServerConnection server) {
        return (Map<String, Listeners>) server.roleState();
    }

    @Override
    public void onConnected(ServerConnection server) {
        server.setRoleState(new HashMap<String, Listeners>());
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
        // gearmand's WORK_FAIL made from a WORK_EXCEPTION carries a NUL after the handle.
        String key = JobState.key(stripTrailingNuls(packet.field(0)));
        Map<String, Listeners> related = related(server);
        Listeners listeners = related.get(key);
        if (listeners == null) {
            LOG.debug("{} for unknown handle {} from {} ignored", type, key, server);
            return;
        }
        Slot slot = listeners.next(packet);
        boolean ends = type == PacketType.WORK_COMPLETE || type == PacketType.WORK_FAIL
                || type == PacketType.WORK_EXCEPTION;
        if (ends) {
            slot.ended = true;
            if (listeners.allEnded()) {
                related.remove(key);
            }
        }
        JobState state = slot.job;
        Job job = state.job();
        switch (type) {
            case WORK_DATA: {
                byte[] data = packet.data();
                state.addData(data);
                safely(() -> events.workData(job, data));
                break;
            }
            case WORK_WARNING: {
                byte[] data = packet.data();
                state.addWarning(data);
                safely(() -> events.workWarning(job, data));
                break;
            }
            case WORK_STATUS:
                state.status(packet.fieldString(1), packet.fieldString(2));
                safely(() -> events.workStatus(job));
                break;
            case WORK_COMPLETE:
                state.completed(packet.data());
                safely(() -> events.workComplete(job));
                state.finish();
                break;
            case WORK_FAIL:
                state.failed("the worker reported failure (WORK_FAIL)");
                safely(() -> events.workFail(job));
                state.finish();
                break;
            case WORK_EXCEPTION:
                state.exception(packet.data());
                safely(() -> events.workException(job));
                state.finish();
                break;
            default:
                throw new AssertionError(type);
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
        Map<String, Listeners> related = related(server);
        server.setRoleState(null);
        if (related == null) {
            return;
        }
        for (Listeners listeners : related.values()) {
            for (Slot slot : listeners.slots) {
                if (slot.ended) {
                    continue;
                }
                JobState state = slot.job;
                if (failJobsOnDisconnect) {
                    state.failed("connection to " + server + " lost before the job ended: " + reason);
                }
                safely(() -> events.disconnect(state.job()));
                if (failJobsOnDisconnect) {
                    state.finish();
                }
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
