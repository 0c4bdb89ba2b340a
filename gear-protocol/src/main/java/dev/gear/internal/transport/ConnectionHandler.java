package dev.gear.internal.transport;

import dev.gear.Packet;
import dev.gear.internal.codec.DecodeError;

/**
 * What a connection's owner does with its input. Every method runs on the connection's
 * {@link EventLoop} thread. An exception thrown here closes that connection only (and is logged);
 * it never reaches the loop.
 */
public interface ConnectionHandler {
    /** The connection is established (and, under TLS, its handshake finished). */
    default void onOpen(NioConnection connection) {
    }

    void onPacket(NioConnection connection, Packet packet);

    void onLine(NioConnection connection, String line);

    /** Bad input; when {@code error.fatal()} the connection is closed after this returns and output is flushed. */
    void onDecodeError(NioConnection connection, DecodeError error);

    /**
     * Whether a frame starting with a non-NUL byte may be read as a text line now (see
     * {@link dev.gear.internal.codec.DecodeListener#acceptsText()}); servers always accept text
     * (admin commands), a client only while an admin request is pending.
     */
    default boolean acceptsText(NioConnection connection) {
        return true;
    }

    /**
     * Called exactly once when the connection is gone.
     *
     * @param reason why, in words (peer closed, reset, slow reader, local close, ...)
     */
    void onClosed(NioConnection connection, String reason);
}
