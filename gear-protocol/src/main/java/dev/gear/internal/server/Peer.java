package dev.gear.internal.server;

import dev.gear.Packet;
import dev.gear.internal.codec.DecodeError;
import dev.gear.internal.transport.ConnectionHandler;
import dev.gear.internal.transport.NioConnection;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's record of one connection, in any of its roles (client, worker, admin), and the
 * receiver of that connection's input, which it hands to the {@link PacketDispatch} together with
 * itself: the transport needs no untyped attachment to find the record again. Loop thread only.
 */
final class Peer implements ConnectionHandler, Waiters {
    final long id;
    final NioConnection connection;
    /** What the server writes to this connection, kept in request order (see {@link ReplyOrder}). */
    final ReplyOrder out;
    /**
     * The authenticated identity (TLS client certificate CN), {@code null} on plain TCP; set when
     * the connection opens (after the TLS handshake).
     */
    String subject;
    String clientId;
    /** Registered functions with their registration count, in registration order. */
    final Map<FunctionEntry, Integer> functions = new LinkedHashMap<>();
    /** CAN_DO_TIMEOUT per function, in milliseconds. */
    final Map<FunctionEntry, Integer> timeouts = new HashMap<>();
    /** Sent PRE_SLEEP and not yet woken by a NOOP. */
    boolean sleeping;
    /** Sent OPTION_REQ exceptions. */
    boolean exceptions;
    /** {@code H:<ip>:} or the configured prefix and {@code :}; made at the first submit, shared by its jobs. */
    byte[] handlePrefix;
    /** The function this connection last submitted to: consecutive submits skip the name lookup. */
    FunctionEntry lastFunction;
    /** {@link #functions}' keys as an array, rebuilt when they change: every grab walks it. */
    private FunctionEntry[] functionArray = new FunctionEntry[0];
    /** Jobs this connection runs as a worker. */
    final PeerJobs running = new PeerJobs();
    /** Foreground jobs this connection waits for as a client. */
    final PeerJobs waitingFor = new PeerJobs();

    private final PacketDispatch dispatch;

    Peer(long id, NioConnection connection, PacketDispatch dispatch) {
        this.id = id;
        this.connection = connection;
        this.out = new ReplyOrder(connection);
        this.dispatch = dispatch;
    }

    @Override
    public void onOpen(NioConnection ignored) {
        dispatch.opened(this);
    }

    @Override
    public void onPacket(NioConnection ignored, Packet packet) {
        dispatch.packet(this, packet);
    }

    @Override
    public void onLine(NioConnection ignored, String line) {
        dispatch.line(this, line);
    }

    @Override
    public void onDecodeError(NioConnection ignored, DecodeError error) {
        dispatch.decodeError(this, error);
    }

    @Override
    public void onClosed(NioConnection ignored, String reason) {
        dispatch.closed(this, reason);
    }

    /** The registered functions, in registration order; do not modify. */
    FunctionEntry[] functionArray() {
        return functionArray;
    }

    /** Call after every change of {@link #functions}' keys. */
    void functionsChanged() {
        functionArray = functions.keySet().toArray(new FunctionEntry[0]);
    }

    InetSocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    String ip() {
        return connection.remoteAddress().getAddress().getHostAddress();
    }

    @Override
    public String toString() {
        return "peer " + id + " " + remoteAddress();
    }
}
