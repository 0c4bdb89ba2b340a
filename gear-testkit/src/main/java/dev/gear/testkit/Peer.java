package dev.gear.testkit;

import java.util.Objects;

/**
 * One side of a connection as the test server saw it, or a stub answering inside the server.
 *
 * @param connection the server's number for the connection (the first column of admin {@code workers})
 * @param address    the remote address as {@code host:port}
 * @param subject    the TLS client certificate's CN, or {@code null} on plain TCP
 * @param stub       whether this is one of the test kit's own connections (the stub worker or the
 *                   test-side submitter) rather than a peer under test. The kit identifies its
 *                   connections only once they are open, so their {@code ConnectionOpened} event
 *                   still says {@code false}; every later event says {@code true}
 * @since 0.1
 */
public record Peer(long connection, String address, String subject, boolean stub) {
    public Peer {
        Objects.requireNonNull(address, "address");
    }

    /** {@code conn#3 127.0.0.1:51234 CN=web}, with {@code stub} appended for the stub worker. */
    @Override
    public String toString() {
        return "conn#" + connection + " " + address + (subject == null ? "" : " CN=" + subject)
                + (stub ? " stub" : "");
    }
}
