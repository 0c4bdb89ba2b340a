package dev.gear.testkit.internal;

import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.codec.DecodeError;
import dev.gear.internal.transport.ConnectionHandler;
import dev.gear.internal.transport.EventLoop;
import dev.gear.internal.transport.NioConnection;
import dev.gear.testkit.StubResponse;
import dev.gear.testkit.StubResponse.Step;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The test kit's worker: one real connection to the server that registers every stubbed function
 * and answers their jobs with the scripted {@link StubResponse}s. It grabs again right after each
 * assignment, so a slow (delayed) answer never holds up other stubbed jobs.
 *
 * <p>It also serves the FAIL_FAST policy: asked to fail a function nobody can take, it registers
 * it for as long as it has such jobs to fail and withdraws it after, so a real worker that
 * registers later is never competed with.
 *
 * <p>Everything runs on the test kit's own event loop; public methods may be called from any thread.
 */
public final class StubWorker implements ConnectionHandler {
    /** Opens a connection to the server (plain or TLS) with this handler. */
    @FunctionalInterface
    public interface Connector {
        CompletableFuture<NioConnection> connect(ConnectionHandler handler);
    }

    /** Told about jobs a stub had no rule for: (handle, function). */
    @FunctionalInterface
    public interface UnmatchedSink {
        void unmatched(String handle, String function);
    }

    /** Takes the jobs a holding stub keeps for the test to answer (loop thread). */
    @FunctionalInterface
    public interface HoldSink {
        void hold(NioConnection connection, String handle, String function, byte[] payload);
    }

    private enum State { GRABBING, SLEEPING }

    private final EventLoop loop;
    private final Connector connector;
    private final UnmatchedSink unmatched;
    private final Map<String, StubRules> stubs = new ConcurrentHashMap<>();
    /** Loop thread only: per function, how many jobs are still to be failed fast. */
    private final Map<String, Integer> failFast = new HashMap<>();
    /**
     * Loop thread only: the functions this connection has sent CAN_DO for. The server counts each
     * CAN_DO as one more registration (gearmand does too), so every CAN_DO goes through
     * {@link #register} and is sent once per connection, however the stub got there (the
     * connect-time registration of every stub, a new stub, the fail-fast policy).
     */
    private final Set<String> registered = new HashSet<>();
    /** Loop thread only: futures completed by ECHO_RES, in order. */
    private final ArrayDeque<CompletableFuture<Void>> echoes = new ArrayDeque<>();
    private NioConnection connection;
    private CompletableFuture<NioConnection> connecting;
    private State state = State.SLEEPING;
    private volatile HoldSink holdSink = (c, handle, function, payload) -> {
    };

    public StubWorker(EventLoop loop, Connector connector, UnmatchedSink unmatched) {
        this.loop = loop;
        this.connector = connector;
        this.unmatched = unmatched;
    }

    /** Where jobs go that a rule answers with {@link StubResponse#hold()}. */
    public void holdWith(HoldSink sink) {
        this.holdSink = java.util.Objects.requireNonNull(sink, "sink");
    }

    /**
     * Sends {@code packet} for a held job on {@code c}, the connection that took it, then an ECHO
     * round trip: completes once the server has processed the packet. Fails when that connection
     * is gone (the server then already dealt with the job as a lost worker's).
     */
    public CompletableFuture<Void> sendHeld(NioConnection c, Packet packet) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            if (c != connection || !c.isOpen()) {
                done.completeExceptionally(new IllegalStateException(
                        "the stub connection that took this job is closed, so the server already failed or requeued it"));
                return;
            }
            c.send(packet);
            echoes.add(done);
            c.send(Packet.request(PacketType.ECHO_REQ, new byte[0]));
        });
        return done;
    }

    /** The local address of the stub's connection, or {@code null} if not connected (loop thread). */
    public CompletableFuture<InetSocketAddress> localAddress() {
        return loop.submit(() -> connection == null ? null : connection.localAddress());
    }

    /**
     * Registers {@code rules} (CAN_DO) and completes once the server has processed the
     * registration, so a job submitted after this returns is sure to find the stub.
     */
    public CompletableFuture<Void> add(StubRules rules) {
        stubs.put(rules.function(), rules);
        return onConnection(c -> {
            register(c, rules.function());
            grabIfSleeping(c);
        });
    }

    /** Withdraws a stub (CANT_DO); completes once the server has processed it. */
    public CompletableFuture<Void> remove(String function) {
        stubs.remove(function);
        return onConnection(c -> {
            if (!failFast.containsKey(function)) {
                unregister(c, function);
            }
        });
    }

    /** Withdraws every stub. */
    public CompletableFuture<Void> removeAll() {
        stubs.clear();
        return onConnection(c -> {
            c.send(Packet.request(PacketType.RESET_ABILITIES));
            registered.clear();
            failFast.clear();
        });
    }

    /** Takes one queued job of {@code function} and fails it (FAIL_FAST policy). Any thread. */
    public void failFast(String function) {
        onConnection(c -> {
            failFast.merge(function, 1, Integer::sum);
            register(c, function);
            grabIfSleeping(c);
        });
    }

    /** Connects (if needed) and registers every stub; completes once the server processed it. */
    public CompletableFuture<Void> reconnect() {
        return onConnection(c -> {
        });
    }

    /** Drops the connection (server restart); the next call connects again and re-registers. */
    public CompletableFuture<Void> disconnect() {
        return loop.submit(() -> {
            if (connection != null) {
                NioConnection c = connection;
                connection = null;
                c.close("test kit stub worker disconnecting");
            }
            connection = null;
            connecting = null;
            return null;
        });
    }

    /** Runs {@code action} on the connection (connecting first), then an ECHO round trip. */
    private CompletableFuture<Void> onConnection(Consumer<NioConnection> action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> connected().whenComplete((c, error) -> loop.execute(() -> {
            if (error != null) {
                done.completeExceptionally(error);
                return;
            }
            try {
                action.accept(c);
                echoes.add(done);
                c.send(Packet.request(PacketType.ECHO_REQ, new byte[0]));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        })));
        return done;
    }

    /** Loop thread: the open connection, connecting (and registering every stub) if needed. */
    private CompletableFuture<NioConnection> connected() {
        if (connection != null && connection.isOpen()) {
            return CompletableFuture.completedFuture(connection);
        }
        if (connecting == null) {
            connecting = connector.connect(this).thenApplyAsync(c -> {
                connection = c;
                registered.clear();
                for (String f : stubs.keySet()) {
                    register(c, f);
                }
                state = State.SLEEPING;
                grabIfSleeping(c);
                return c;
            }, loop::execute);
            connecting.whenComplete((c, e) -> {
                if (e != null) {
                    loop.execute(() -> connecting = null);
                }
            });
        }
        return connecting;
    }

    /** CAN_DO {@code function}, unless this connection already sent it. */
    private void register(NioConnection c, String function) {
        if (registered.add(function)) {
            c.send(Packet.request(PacketType.CAN_DO, function));
        }
    }

    /** CANT_DO {@code function}, if this connection registered it. */
    private void unregister(NioConnection c, String function) {
        if (registered.remove(function)) {
            c.send(Packet.request(PacketType.CANT_DO, function));
        }
    }

    private void grabIfSleeping(NioConnection c) {
        if (state == State.SLEEPING) {
            state = State.GRABBING;
            c.send(Packet.request(PacketType.GRAB_JOB_UNIQ));
        }
    }

    @Override
    public void onPacket(NioConnection c, Packet packet) {
        switch (packet.type()) {
            case NOOP -> grabIfSleeping(c);
            case NO_JOB -> {
                state = State.SLEEPING;
                c.send(Packet.request(PacketType.PRE_SLEEP));
            }
            case JOB_ASSIGN_UNIQ -> {
                state = State.SLEEPING;
                grabIfSleeping(c);
                String handle = packet.fieldString(0);
                String function = packet.fieldString(1);
                answer(c, handle, function, packet.data());
            }
            case ECHO_RES -> {
                CompletableFuture<Void> f = echoes.poll();
                if (f != null) {
                    f.complete(null);
                }
            }
            default -> {
                // ERROR or anything unexpected: nothing a stub can fix; the journal shows it.
            }
        }
    }

    private void answer(NioConnection c, String handle, String function, byte[] payload) {
        StubRules rules = stubs.get(function);
        Optional<StubResponse> response = rules == null ? Optional.empty() : rules.next(payload);
        if (response.isEmpty()) {
            Integer left = failFast.get(function);
            if (left != null) {
                if (left <= 1) {
                    failFast.remove(function);
                    if (!stubs.containsKey(function)) {
                        unregister(c, function);
                    }
                } else {
                    failFast.put(function, left - 1);
                }
            } else {
                unmatched.unmatched(handle, function);
            }
            c.send(Packet.request(PacketType.WORK_FAIL, handle));
            return;
        }
        run(c, handle, function, payload, response.get().steps(), 0);
    }

    private void run(NioConnection c, String handle, String function, byte[] payload, List<Step> steps, int from) {
        byte[] h = handle.getBytes(StandardCharsets.UTF_8);
        for (int i = from; i < steps.size(); i++) {
            if (!c.isOpen()) {
                return;
            }
            Step step = steps.get(i);
            if (step instanceof StubResponse.Delay d) {
                int next = i + 1;
                loop.schedule(d.duration(), () -> run(c, handle, function, payload, steps, next));
                return;
            } else if (step instanceof StubResponse.Data d) {
                c.send(Packet.request(PacketType.WORK_DATA, h, d.data().bytes()));
            } else if (step instanceof StubResponse.Warning w) {
                c.send(Packet.request(PacketType.WORK_WARNING, h, w.data().bytes()));
            } else if (step instanceof StubResponse.Status s) {
                c.send(Packet.request(PacketType.WORK_STATUS, handle, Long.toString(s.numerator()),
                        Long.toString(s.denominator())));
            } else if (step instanceof StubResponse.Complete done) {
                c.send(complete(done.result(), payload, h));
            } else if (step instanceof StubResponse.Fail) {
                c.send(Packet.request(PacketType.WORK_FAIL, h));
            } else if (step instanceof StubResponse.Exception x) {
                c.send(Packet.request(PacketType.WORK_EXCEPTION, h, x.data().bytes()));
            } else if (step instanceof StubResponse.Hold) {
                holdSink.hold(c, handle, function, payload);
            }
        }
    }

    /** A stub function that throws answers WORK_EXCEPTION with the error, as a crashing worker library would. */
    private static Packet complete(Function<byte[], byte[]> f, byte[] payload, byte[] h) {
        try {
            byte[] out = f.apply(payload.clone());
            return Packet.request(PacketType.WORK_COMPLETE, h, out == null ? new byte[0] : out);
        } catch (RuntimeException e) {
            return Packet.request(PacketType.WORK_EXCEPTION, h,
                    ("stub answer threw " + e).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void onLine(NioConnection c, String line) {
        // The server never sends text to a worker connection.
    }

    @Override
    public void onDecodeError(NioConnection c, DecodeError error) {
        // A fault injected toward the stub; the connection closes if framing is lost.
    }

    @Override
    public void onClosed(NioConnection c, String reason) {
        if (c == connection) {
            connection = null;
            connecting = null;
            registered.clear();
            state = State.SLEEPING;
            CompletableFuture<Void> f;
            while ((f = echoes.poll()) != null) {
                f.completeExceptionally(new IllegalStateException("stub worker connection closed: " + reason));
            }
            if (!stubs.isEmpty()) {
                // Lost by a fault or a dropped connection, not by disconnect(): come back, as a
                // real worker library would, so the stubs keep answering.
                connected();
            }
        }
    }
}
