package dev.gear.internal.server;

/**
 * Observes what the server does, for the test kit's journal. Called on the server's loop thread,
 * in the order things happen: implementations must be quick and must not block. An exception
 * thrown here is logged and otherwise ignored.
 */
@FunctionalInterface
public interface ServerEventListener {
    void onEvent(ServerEvent event);
}
