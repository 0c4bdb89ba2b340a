package dev.gear.internal.transport;

/** Decides how an accepted connection is handled; runs on the loop thread. */
@FunctionalInterface
public interface Acceptor {
    ConnectionHandler accept(NioConnection connection);
}
