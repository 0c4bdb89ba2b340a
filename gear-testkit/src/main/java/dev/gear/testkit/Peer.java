package dev.gear.testkit;

import java.util.Objects;

/**
 * One side of a connection as the test server saw it, or a stub answering inside the server.
 *
 * @param connection index of the connection, unique within one test server for its whole life
 *                   (restarts included); stubs use 0
 * @param address    the remote address as {@code host:port}, or {@code stub:<function>} for a stub
 * @param subject    the TLS client certificate's CN, or {@code null} on plain TCP or for a stub
 * @since 0.1
 */
public record Peer(long connection, String address, String subject) {
    public Peer {
        Objects.requireNonNull(address, "address");
    }

    /** The peer that stands for the stub answering {@code function} inside the server. */
    public static Peer stub(String function) {
        return new Peer(0, "stub:" + function, null);
    }

    /** Whether this is a stub inside the server rather than a socket. */
    public boolean isStub() {
        return connection == 0;
    }

    /** {@code conn#3 127.0.0.1:51234 CN=web} */
    @Override
    public String toString() {
        if (isStub()) {
            return address;
        }
        return "conn#" + connection + " " + address + (subject == null ? "" : " CN=" + subject);
    }
}
