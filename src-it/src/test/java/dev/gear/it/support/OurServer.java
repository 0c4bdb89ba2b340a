package dev.gear.it.support;

import dev.gear.server.Server;

/**
 * Our {@link Server}, embedded in the test JVM on 127.0.0.1 port 0 with its default options: the
 * behaviour DESIGN.md's "Server semantics" table promises a user who writes
 * {@code Server.builder().build().start()}.
 */
public final class OurServer implements ServerUnderTest {
    private final Server server;

    private OurServer(Server server) {
        this.server = server;
    }

    /** A started server on a free loopback port. */
    public static OurServer start() {
        return new OurServer(Server.builder().port(0).listenAddress(LoopbackPorts.HOST).build().start());
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

    @Override
    public int port() {
        return server.port();
    }

    /** The test JVM's own id: the server runs inside it. */
    @Override
    public long processId() {
        return ProcessHandle.current().pid();
    }

    @Override
    public String diagnostics() {
        return server.isRunning() ? "running: " + server : "stopped: " + server;
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "gear-java " + server;
    }
}
