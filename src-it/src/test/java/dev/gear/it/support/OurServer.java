package dev.gear.it.support;

import dev.gear.server.Server;
import dev.gear.testkit.TestCertificates;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Our {@link Server}, embedded in the test JVM on 127.0.0.1 port 0 with its default options: the
 * behaviour DESIGN.md's "Server semantics" table promises a user who writes
 * {@code Server.builder().build().start()}. {@link #startTls()} gives the same server in TLS mode
 * ({@link TestCertificates#get()}'s server certificate, client certificates required, as in gear):
 * clients connect through {@link #clientTls(String)}.
 *
 * <p>{@link #halt()} closes the server (which releases the port); {@link #restart()} builds a new
 * one with the same options on the port the first one was given.
 */
public final class OurServer implements ServerUnderTest {
    private final int port;
    private final TestCertificates certificates;
    private Server server;
    private boolean closed;

    private OurServer(TestCertificates certificates) {
        this.certificates = certificates;
        this.server = newServer(0);
        this.port = server.port();
    }

    /** A started plain server on a free loopback port. */
    public static OurServer start() {
        return new OurServer(null);
    }

    /** A started TLS server on a free loopback port, requiring client certificates from the shared test CA. */
    public static OurServer startTls() {
        return new OurServer(TestCertificates.get());
    }

    private Server newServer(int port) {
        Server.Builder builder = Server.builder().port(port).listenAddress(LoopbackPorts.HOST);
        if (certificates != null) {
            builder.tls(certificates.serverContext());
        }
        return builder.build().start();
    }

    @Override
    public Optional<SSLContext> clientTls(String commonName) {
        return certificates == null ? Optional.empty() : Optional.of(certificates.clientContext(commonName));
    }

    @Override
    public Kind kind() {
        return Kind.GEAR_JAVA;
    }

    @Override
    public String name() {
        return certificates == null ? "gear-java" : "gear-java-tls";
    }

    @Override
    public String host() {
        return LoopbackPorts.HOST;
    }

    /** The port it was first given; a {@link #restart()} binds it again. */
    @Override
    public int port() {
        return port;
    }

    /** The test JVM's own id: the server runs inside it. */
    @Override
    public long processId() {
        return ProcessHandle.current().pid();
    }

    @Override
    public synchronized String diagnostics() {
        return server == null ? "halted (port " + port + ")"
                : (server.isRunning() ? "running: " : "stopped: ") + server;
    }

    @Override
    public synchronized void halt() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException(name() + " on port " + port + " was closed; it cannot restart");
        }
        if (server != null) {
            throw new IllegalStateException(name() + " on port " + port + " is running; halt() it first");
        }
        server = newServer(port);
    }

    @Override
    public synchronized void close() {
        closed = true;
        halt();
    }

    @Override
    public synchronized String toString() {
        return name() + " " + (server == null ? "halted, port " + port : server);
    }
}
