package dev.gear.it.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks loopback ports for servers that cannot be told to bind port 0 and report it (gearmand).
 *
 * <p>Ports come from 20000–31999, below Linux's ephemeral range (32768+), so an outgoing
 * connection of some other test cannot be sitting on them. A port is offered only when a probe
 * bind succeeds right now; another process may still take it before the server binds, which is
 * why {@link GearmandProcess} also checks that the process answering on the port is its own.
 */
final class LoopbackPorts {
    static final String HOST = "127.0.0.1";
    private static final int LOWEST = 20000;
    private static final int HIGHEST_EXCLUSIVE = 32000;
    private static final int ATTEMPTS = 100;

    private LoopbackPorts() {
    }

    /** A port on {@link #HOST} that nothing listened on at the moment of the call. */
    static int pickFree() {
        for (int i = 0; i < ATTEMPTS; i++) {
            int candidate = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST_EXCLUSIVE);
            if (isFree(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("No free loopback port found in " + ATTEMPTS + " random tries between "
                + LOWEST + " and " + HIGHEST_EXCLUSIVE);
    }

    private static boolean isFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }
}
