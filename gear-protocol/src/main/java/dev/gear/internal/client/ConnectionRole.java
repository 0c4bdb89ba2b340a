package dev.gear.internal.client;

import dev.gear.Packet;

/**
 * What a client or a worker does with one server connection beyond request/reply correlation,
 * which {@link ServerConnection} handles itself. All methods run on the I/O thread.
 */
public interface ConnectionRole {
    /** A (re)connect succeeded: send SET_CLIENT_ID, CAN_DO, OPTION_REQ, ... */
    void onConnected(ServerConnection connection);

    /** A packet that is not a reply to a request: WORK_* for clients, NOOP for workers. */
    void onPacket(ServerConnection connection, Packet packet);

    /** The connection is gone; pending replies have already failed. */
    void onDisconnected(ServerConnection connection, String reason);
}
