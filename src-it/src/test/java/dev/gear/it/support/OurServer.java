package dev.gear.it.support;

import dev.gear.server.Server;

/**
 * Our {@link Server}, embedded in the test JVM on 127.0.0.1 port 0 with its default options: the
 * behaviour DESIGN.md's "Server semantics" table promises a user who writes
 * {@code Server.builder().build().start()}.
 *
 * <p>{@link #halt()} closes the server (which releases the port); {@link #restart()} builds a new
 * one with the same options on the port the first one was given.
 */
public final class OurServer implements ServerUnderTest {
    private final int port;
    private Server server;
    private boolean closed;

    private OurServer(Server server) {
        this.server = server;
        this.port = server.port();
    }

    /** A started server on a free loopback port. */
    public static OurServer start() {
        return new OurServer(newServer(0));
    }

    private static Server newServer(int port) {
        return Server.builder().port(port).listenAddress(LoopbackPorts.HOST).build().start();
    }

    @Override
    public Kind kind() {
        return Kind.GEAR_JAVA;
    }

    @Override
    public String name() {
        return "gear-java";
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
            throw new IllegalStateException("gear-java on port " + port + " was closed; it cannot restart");
        }
        if (server != null) {
            throw new IllegalStateException("gear-java on port " + port + " is running; halt() it first");
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
        return "gear-java " + (server == null ? "halted, port " + port : server);
    }
}
