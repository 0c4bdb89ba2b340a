package dev.gear.internal.transport;

import java.nio.channels.SelectionKey;

/**
 * What an {@link EventLoop}'s selection keys carry, and what the loop asks to handle a ready key:
 * an open connection, a listening socket, or a connect in progress. Loop thread only.
 */
sealed interface ReadyKey permits NioConnection, ListenerKey, PendingConnect {

    /** The key's channel is ready for what it was registered for. */
    void onReady(SelectionKey key);

    /** A handler threw out of {@link #onReady}: clean up what belongs to this key. */
    default void onFailure(RuntimeException e) {
    }
}
