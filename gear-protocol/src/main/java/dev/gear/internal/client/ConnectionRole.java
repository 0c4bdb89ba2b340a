package dev.gear.internal.client;

import dev.gear.Packet;

/**
 * What a client or a worker does with one server connection beyond request/reply correlation,
 * which {@link ServerLink} handles itself. {@code S} is the role's state for one open connection
 * (the client's handle table, the worker's grab state): made by {@link #newConnectionState()} when
 * a connection opens, kept by the link, handed back when the connection ends. All methods run on the I/O thread.
 */
public interface ConnectionRole<S> {
    /** The state for a connection that has just opened, in place before {@link #onConnected} runs. */
    S newConnectionState();

    /** A (re)connect succeeded: send SET_CLIENT_ID, CAN_DO, OPTION_REQ, ... */
    void onConnected(ServerLink<S> link);

    /** A packet that is not a reply to a request: WORK_* for clients, NOOP for workers. */
    void onPacket(ServerLink<S> link, Packet packet);

    /** The connection is gone; pending replies have already failed. {@code state} was this connection's. */
    void onDisconnected(ServerLink<S> link, S state, String reason);
}
