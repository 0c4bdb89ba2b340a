package dev.gear.internal.client;

import dev.gear.ConnectionException;
import dev.gear.GearmanErrorException;
import dev.gear.GearmanException;
import dev.gear.GearmanTimeoutException;
import dev.gear.InvalidDataException;
import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.codec.DecodeError;
import dev.gear.internal.codec.WireBytes;
import dev.gear.internal.transport.Cancellable;
import dev.gear.internal.transport.ConnectionHandler;
import dev.gear.internal.transport.EventLoop;
import dev.gear.internal.transport.NioConnection;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link of a client or worker to one configured server ({@code addServer}) across all its
 * sockets: connects, reconnects with exponential backoff, and correlates replies with requests.
 * {@code S} is what the role (client or worker) keeps per open connection.
 *
 * <p>Correlation is by construction: every request that expects an answer is put in the FIFO on
 * the I/O thread right before its packet is queued for writing, and the server answers one
 * connection's requests in order. Admin text commands have their own FIFO, since their replies are
 * text lines. Everything not marked otherwise runs on the I/O thread.
 */
public final class ServerLink<S> implements ConnectionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ServerLink.class);

    private final ServerPool<S> pool;
    private final String host;
    private final int port;
    private final Connector connector;
    private final ArrayDeque<PendingReply> pending = new ArrayDeque<>();
    private final ArrayDeque<PendingAdmin> admin = new ArrayDeque<>();
    private volatile NioConnection current;
    /** Why the last connect failed or the last connection was lost; null while connected. */
    private volatile String lastFailure;
    private Duration nextBackoff;
    private Cancellable reconnectTimer;
    private boolean shutDown;
    /** What the role keeps for the open connection (made at each connect, dropped at its end); I/O thread only. */
    private S roleState;
    /** The one timer that checks the deadlines of {@link #pending}, and when it fires; I/O thread. */
    private Cancellable deadlineTimer;
    private long deadlineTimerAt;
    private static final long DEADLINE_GRANULARITY_NANOS = 1_000_000;

    ServerLink(ServerPool<S> pool, String host, int port, Connector connector) {
        this.pool = pool;
        this.host = host;
        this.port = port;
        this.connector = connector;
        this.nextBackoff = pool.settings().backoffMin();
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public EventLoop loop() {
        return pool.loop();
    }

    public ServerPool<S> pool() {
        return pool;
    }

    /** Whether a socket is open now. Any thread. */
    public boolean isConnected() {
        NioConnection c = current;
        return c != null;
    }

    /** Whether {@code connection} is still this server's open socket. Any thread. */
    public boolean isCurrent(NioConnection connection) {
        return connection != null && connection == current;
    }

    /**
     * Why this server is not connected: the last connect failure (e.g. the TLS handshake refused,
     * with the alert) or why the last connection was lost; null while connected and before the
     * first attempt ended. Any thread.
     */
    public String lastFailure() {
        return lastFailure;
    }

    /** The open socket, or null. */
    public NioConnection socket() {
        return current;
    }

    /** The role's state for the open connection; null while none is open. I/O thread. */
    public S roleState() {
        assert loop().inLoop();
        return roleState;
    }

    // ---- connecting ------------------------------------------------------------------------

    void start() {
        connectNow();
    }

    private void connectNow() {
        reconnectTimer = null;
        if (shutDown) {
            return;
        }
        // Name resolution may block; keep it off the I/O thread.
        CompletableFuture.supplyAsync(() -> new InetSocketAddress(host, port))
                .thenCompose(address -> connector.connect(loop(), address, pool.settings().connectTimeout(), this))
                .whenComplete((connection, error) -> {
                    if (error != null) {
                        loop().execute(() -> connectFailed(error));
                    }
                });
    }

    private void connectFailed(Throwable error) {
        Throwable cause = error.getCause() != null && !(error instanceof GearmanException) ? error.getCause() : error;
        lastFailure = String.valueOf(cause.getMessage());
        LOG.debug("connecting to {} failed: {}", this, cause.getMessage());
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (shutDown || reconnectTimer != null) {
            return;
        }
        Duration delay = nextBackoff;
        Duration doubled = nextBackoff.multipliedBy(2);
        nextBackoff = doubled.compareTo(pool.settings().backoffMax()) > 0 ? pool.settings().backoffMax() : doubled;
        reconnectTimer = loop().schedule(delay, this::connectNow);
    }

    @Override
    public void onOpen(NioConnection connection) {
        assert loop().inLoop();
        if (shutDown) {
            connection.close("shut down while connecting");
            return;
        }
        current = connection;
        lastFailure = null;
        nextBackoff = pool.settings().backoffMin();
        LOG.debug("connected to {}", this);
        // Counted as connected first, so the role's greeting (SET_CLIENT_ID, CAN_DO, and a grab for
        // a getJob() that was already waiting) sees this connection among the connected ones.
        // Threads woken by connectionUp hand their work to this loop, so it queues after the greeting.
        roleState = pool.role().newConnectionState();
        pool.connectionUp(this);
        pool.role().onConnected(this);
    }

    @Override
    public void onClosed(NioConnection connection, String reason) {
        assert loop().inLoop();
        if (connection != current) {
            return;
        }
        current = null;
        lastFailure = "connection lost: " + reason;
        LOG.debug("connection to {} lost: {}", this, reason);
        ConnectionException lost = new ConnectionException("connection to " + this + " lost: " + reason);
        List<PendingReply> replies = new ArrayList<>(pending);
        pending.clear();
        if (deadlineTimer != null) {
            deadlineTimer.cancel();
            deadlineTimer = null;
        }
        List<PendingAdmin> admins = new ArrayList<>(admin);
        admin.clear();
        for (PendingReply reply : replies) {
            safely(() -> reply.onFailure(lost));
        }
        for (PendingAdmin a : admins) {
            a.result.completeExceptionally(lost);
        }
        pool.connectionDown(this);
        S state = roleState;
        roleState = null;
        safely(() -> pool.role().onDisconnected(this, state, reason));
        scheduleReconnect();
    }

    /** Closes the socket for good and stops reconnecting (client or worker shutdown). */
    void shutdown(String reason) {
        shutDown = true;
        if (reconnectTimer != null) {
            reconnectTimer.cancel();
            reconnectTimer = null;
        }
        NioConnection c = current;
        if (c != null) {
            // Results the caller already sent (sendWorkComplete just before close) must not be lost.
            c.closeAfterFlush(reason);
        }
    }

    /**
     * Closes the open socket now (queued output is discarded) and reconnects after the backoff, as
     * for any lost connection: pending requests fail, the role hears of it. For a server that
     * stopped answering. I/O thread.
     */
    void drop(String reason) {
        assert loop().inLoop();
        NioConnection c = current;
        if (c != null) {
            c.close(reason);
        }
    }

    /** After {@link #shutdown}: closes the socket if its closing flush has not yet. I/O thread. */
    void closeNow(String reason) {
        NioConnection c = current;
        if (c != null) {
            c.close(reason);
        }
    }

    // ---- sending ---------------------------------------------------------------------------

    /** Queues a packet that expects no answer. Dropped when not connected. I/O thread. */
    public void send(Packet packet) {
        assert loop().inLoop();
        NioConnection c = current;
        if (c != null) {
            c.send(packet);
        }
    }

    /** Queues a request and its pending answer; fails the answer at once when not connected. */
    public void send(Packet packet, PendingReply reply) {
        assert loop().inLoop();
        NioConnection c = current;
        if (c == null || !c.isOpen()) {
            reply.onFailure(notConnected());
            return;
        }
        pending.add(reply);
        c.send(packet);
        if (reply.hasDeadline()) {
            watchDeadline(reply.deadline());
        }
    }

    /**
     * Makes sure the deadline check runs by {@code deadline}. One timer per connection serves
     * every request in the FIFO: when requests share a timeout (the usual case), each new one
     * ends later than the timer already armed, and this costs one comparison.
     */
    private void watchDeadline(long deadline) {
        if (deadlineTimer != null) {
            if (deadlineTimerAt - deadline <= 0) {
                return;
            }
            deadlineTimer.cancel();
        }
        deadlineTimerAt = deadline;
        deadlineTimer = loop().schedule(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
                this::checkDeadlines);
    }

    /** Expires the requests whose deadline passed and re-arms for the earliest one left. I/O thread. */
    private void checkDeadlines() {
        deadlineTimer = null;
        long now = System.nanoTime();
        List<PendingReply> expired = null;
        boolean any = false;
        long next = 0;
        for (PendingReply reply : pending) {
            if (!reply.hasDeadline() || reply.isAbandoned()) {
                continue;
            }
            long d = reply.deadline();
            if (d - now <= 0) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(reply);
            } else if (!any || d - next < 0) {
                next = d;
                any = true;
            }
        }
        if (any) {
            // At least 1 ms apart, so a long FIFO of requests ending one after another is not
            // scanned once per request.
            long soonest = now + DEADLINE_GRANULARITY_NANOS;
            watchDeadline(next - soonest < 0 ? soonest : next);
        }
        if (expired != null) {
            // Outside the iteration: failing a future runs its callers' non-async stages.
            for (PendingReply reply : expired) {
                safely(() -> reply.expire(this));
            }
        }
    }

    /**
     * Sends a request from any thread; the future completes with {@code mapper}'s result of the
     * answer (computed on the I/O thread), or fails with a GearmanErrorException, a
     * ConnectionException or a GearmanTimeoutException.
     */
    public <T> CompletableFuture<T> request(Packet packet, Set<PacketType> expected, Duration timeout, String what,
            Function<Packet, T> mapper) {
        Exchange<T> exchange = new Exchange<>(expected, mapper, new CompletableFuture<>(), timeout, what);
        loop().execute(() -> send(packet, exchange));
        return exchange.result();
    }

    /**
     * Queues a packet from any thread; throws when this server is not connected. On the I/O
     * thread itself (a job handler run there) the packet is queued at once, so it leaves in the
     * same write as whatever else this loop turn sends (the next GRAB_JOB, say).
     *
     * <p>Refused once the client or worker is shut down, even while its sockets are still open:
     * a close racing another (a handler on the I/O thread closing its worker while another
     * thread's close waits for that thread) returns before the closing flush, and what is sent
     * after close() must not go out with that flush (the server requeues or fails the job instead).
     */
    public void sendFromAnyThread(Packet packet, NioConnection expected) {
        if (pool.isClosed()) {
            throw new ConnectionException("cannot send " + packet.type() + " to " + this + ": shut down");
        }
        NioConnection c = current;
        if (c == null || (expected != null && c != expected)) {
            throw new ConnectionException("cannot send " + packet.type() + ": the connection to " + this
                    + (c == null ? " is down" : " it came on was lost (reconnected since)"));
        }
        if (loop().inLoop()) {
            if (!c.isOpen()) {
                throw new ConnectionException("cannot send " + packet.type() + ": the connection to " + this
                        + " is closing");
            }
            c.send(packet);
            return;
        }
        loop().execute(() -> {
            if (c.isOpen()) {
                c.send(packet);
            } else {
                LOG.warn("{} to {} dropped: connection closed before it could be sent", packet.type(), this);
            }
        });
    }

    /**
     * Sends an admin command ({@code \r\n} appended) from any thread. The future completes with the
     * reply lines (without the {@code .} terminator of multi-line replies), or fails with a
     * GearmanErrorException for an {@code ERR} reply.
     */
    public CompletableFuture<List<String>> admin(String command, boolean multiLine, Duration timeout) {
        PendingAdmin request = new PendingAdmin(command, multiLine, pool.settings().limits().maxPacketSize());
        loop().execute(() -> {
            NioConnection c = current;
            if (c == null || !c.isOpen()) {
                request.result.completeExceptionally(notConnected());
                return;
            }
            admin.add(request);
            c.sendText(command + "\r\n");
            Cancellable timer = loop().schedule(timeout, () -> {
                if (request.result.completeExceptionally(new GearmanTimeoutException("admin command '" + command
                        + "' on " + this + " got no answer within " + timeout.toMillis() + " ms"))
                        && request.lines.isEmpty()) {
                    // Assume a server that ignores the command (geard does) and never answers,
                    // so the next command's reply is not taken for this one's.
                    admin.remove(request);
                }
            });
            request.result.whenComplete((r, e) -> timer.cancel());
        });
        return request.result;
    }

    private ConnectionException notConnected() {
        return new ConnectionException("not connected to " + this);
    }

    // ---- receiving -------------------------------------------------------------------------

    @Override
    public void onPacket(NioConnection connection, Packet packet) {
        assert loop().inLoop();
        if (packet.magic() != Magic.RES) {
            // Only clients send \0REQ (servers refuse it with INVALID_MAGIC): taken as an answer it
            // would complete a request with something no server sent. Start over, as for bad data.
            LOG.warn("{} with \\0REQ magic from {}: not a server's packet", packet.type(), this);
            connection.close("bad data from server: " + packet.type() + " with \\0REQ magic");
            return;
        }
        switch (packet.type()) {
            case JOB_CREATED, STATUS_RES, ECHO_RES, OPTION_RES, JOB_ASSIGN, JOB_ASSIGN_UNIQ, JOB_ASSIGN_ALL,
                    STATUS_RES_UNIQUE, NO_JOB -> reply(connection, packet);
            case ERROR -> error(packet);
            default -> pool.role().onPacket(this, packet);
        }
    }

    private void reply(NioConnection connection, Packet packet) {
        PendingReply head = pending.peek();
        // A request abandoned by its caller that this reply does not answer was never answered.
        while (head != null && head.isAbandoned() && !head.expects(packet.type())) {
            pending.poll();
            head = pending.peek();
        }
        if (head != null && head.expects(packet.type())) {
            pending.poll();
            if (!head.isAbandoned()) {
                head.onReply(packet);
            }
            return;
        }
        if (packet.type() == PacketType.NO_JOB) {
            LOG.debug("extra NO_JOB from {} ignored", this);
            return;
        }
        LOG.warn("{} from {} answers no pending request (head: {}); reconnecting to resynchronise",
                packet.type(), this, head);
        connection.close("unexpected " + packet.type() + " from server");
    }

    private void error(Packet packet) {
        String code = packet.fieldString(0);
        String text = new String(WireBytes.stripTrailingNuls(packet.field(1)), StandardCharsets.UTF_8);
        if ("JOB_NOT_FOUND".equals(code)) {
            // Answers a WORK_* packet, which has no pending entry (servers send it unsolicited).
            LOG.warn("{} says ERROR {}: {}", this, code, text);
            return;
        }
        PendingReply head = pending.poll();
        if (head == null) {
            LOG.warn("unsolicited ERROR from {}: {}: {}", this, code, text);
            return;
        }
        GearmanErrorException error = new GearmanErrorException(code, text,
                "Server " + this + " answered ERROR " + code + ": " + text);
        head.onFailure(error);
    }

    @Override
    public void onLine(NioConnection connection, String line) {
        PendingAdmin head = admin.peek();
        if (head == null) {
            LOG.warn("text line from {} answers no admin request: {}", this, line);
            return;
        }
        if (head.accept(line)) {
            admin.poll();
        } else if (head.overflowed) {
            // The rest of an oversized reply would still be read as this one's; start over.
            admin.poll();
            connection.close("admin reply to '" + head.command + "' over " + head.maxBytes + " bytes");
        }
    }

    /** Text is an admin reply, so it is expected only while an admin request waits for one. */
    @Override
    public boolean acceptsText(NioConnection connection) {
        return !admin.isEmpty();
    }

    @Override
    public void onDecodeError(NioConnection connection, DecodeError error) {
        // A skipped reply would shift every later answer onto the wrong request: start over.
        LOG.warn("bad data from {}: {}", this, error.message());
        connection.close("bad data from server: " + error.message());
    }

    private void safely(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("callback failed for {}", this, e);
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }

    /** {@code host:port}, and why it is not connected when it is not (for error messages). */
    public String describeState() {
        if (isConnected()) {
            return this + " (connected)";
        }
        String failure = lastFailure;
        return this + (failure == null ? " (not connected yet)" : " (" + failure + ")");
    }

    /**
     * One admin command waiting for its reply lines. A list reply is held to {@code maxBytes} (the
     * largest packet the connection accepts), and once its caller has given up its lines are no
     * longer kept: a server that never ends a list must not fill the heap.
     */
    private static final class PendingAdmin {
        final String command;
        final boolean multiLine;
        final long maxBytes;
        final List<String> lines = new ArrayList<>();
        final CompletableFuture<List<String>> result = new CompletableFuture<>();
        long bytes;
        boolean overflowed;

        PendingAdmin(String command, boolean multiLine, long maxBytes) {
            this.command = command;
            this.multiLine = multiLine;
            this.maxBytes = maxBytes;
        }

        /** Takes one reply line; true when the reply is complete. */
        boolean accept(String line) {
            if (lines.isEmpty() && (line.equals("ERR") || line.startsWith("ERR "))) {
                String rest = line.length() > 4 ? line.substring(4) : "";
                int space = rest.indexOf(' ');
                String code = space < 0 ? rest : rest.substring(0, space);
                String text = space < 0 ? "" : rest.substring(space + 1);
                result.completeExceptionally(new GearmanErrorException(code, text, "admin command failed: " + line));
                return true;
            }
            if (!multiLine) {
                lines.add(line);
                result.complete(List.copyOf(lines));
                return true;
            }
            if (line.equals(".")) {
                result.complete(List.copyOf(lines));
                return true;
            }
            if (result.isDone()) {
                return false; // timed out: only its end is awaited, to stay in step
            }
            bytes += line.length() + 1;
            if (bytes > maxBytes) {
                overflowed = true;
                result.completeExceptionally(new InvalidDataException("admin reply to '" + command
                        + "' exceeds " + maxBytes + " bytes without its terminating '.' line"));
                return false;
            }
            lines.add(line);
            return false;
        }
    }
}
