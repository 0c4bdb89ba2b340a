package dev.gear.it.support;

import dev.gear.Client;
import dev.gear.Worker;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * A running Gearman server that conformance scenarios talk to over loopback. Scenarios depend only
 * on this view, so the same scenario runs against gearmand and against our own server, and switches
 * on {@link #kind()} exactly where the two deliberately differ (see {@code docs/differences.md}).
 */
public interface ServerUnderTest extends AutoCloseable {

    /** Which implementation is answering; decides which documented behaviour a scenario expects. */
    enum Kind {
        /** gearmand 1.1.20, the reference: {@code reference/protocol.md} says what it does. */
        GEARMAND,
        /** Our {@code dev.gear.server.Server}: DESIGN.md's "Server semantics" table says what it does. */
        GEAR_JAVA
    }

    Kind kind();

    /** A short human-readable name, shown in test names. */
    String name();

    /** The loopback address it listens on. */
    String host();

    int port();

    /**
     * For a server that speaks TLS only: a client-side context presenting a certificate with
     * subject {@code CN=<commonName>} that this server trusts (its ACL identity), and trusting the
     * server's certificate. Empty for a plain server.
     */
    default Optional<SSLContext> clientTls(String commonName) {
        return Optional.empty();
    }

    /** Whether clients must connect over TLS. */
    default boolean isTls() {
        return clientTls("probe").isPresent();
    }

    /**
     * Adds this server to {@code client} as a user would: plain TCP, or TLS with a certificate for
     * {@code commonName} when the server is a TLS server. The one place tests connect from, so every
     * scenario runs unchanged over both transports.
     */
    default void addTo(Client client, String commonName) {
        Optional<SSLContext> tls = clientTls(commonName);
        if (tls.isPresent()) {
            client.addServer(host(), port(), tls.get());
        } else {
            client.addServer(host(), port());
        }
    }

    /** As {@link #addTo(Client, String)}, for a worker. */
    default void addTo(Worker worker, String commonName) {
        Optional<SSLContext> tls = clientTls(commonName);
        if (tls.isPresent()) {
            worker.addServer(host(), port(), tls.get());
        } else {
            worker.addServer(host(), port());
        }
    }

    /** The id of the OS process the server runs in (what the {@code getpid} admin command reports). */
    long processId();

    /** What the server logged or printed, for failure messages; empty when there is nothing to show. */
    default String diagnostics() {
        return "";
    }

    /**
     * Stops the server as an operator would (our server: {@code close()}; gearmand: SIGTERM), so
     * that every connection to it drops, but keeps what {@link #restart()} needs to bring it back
     * on the <em>same</em> port: what clients and workers see when their server is restarted.
     * Does nothing when it is already halted. An optional operation, like {@link #restart()}.
     *
     * @throws UnsupportedOperationException when this server cannot be restarted by the harness
     */
    default void halt() {
        throw new UnsupportedOperationException(name() + ": the harness cannot halt and restart it (yet)");
    }

    /**
     * Starts a {@linkplain #halt() halted} server again on the same host and port, with the same
     * options, and returns once it accepts connections. Its state (queues, handles) starts empty,
     * as after a real restart.
     *
     * @throws IllegalStateException         when it is running or closed, or the port cannot be had
     *                                       again (another process took it while the server was down)
     * @throws UnsupportedOperationException when this server cannot be restarted by the harness
     */
    default void restart() {
        throw new UnsupportedOperationException(name() + ": the harness cannot halt and restart it (yet)");
    }

    /** Stops the server and releases everything it holds; idempotent. */
    @Override
    void close();
}
