package dev.gear.bench;

import dev.gear.server.Server;

/** Our {@link Server}, in this JVM, on 127.0.0.1 and a port the kernel picks. */
final class EmbeddedServerTarget implements Target {
    private static final String HOST = "127.0.0.1";
    private final Server server;

    private EmbeddedServerTarget(Server server) {
        this.server = server;
    }

    static EmbeddedServerTarget start() {
        Server server = Server.builder().listenAddress(HOST).port(0).backlog(1024).build().start();
        return new EmbeddedServerTarget(server);
    }

    @Override
    public String name() {
        return "gear-java";
    }

    @Override
    public String description() {
        return "dev.gear.server.Server " + Server.version() + ", embedded in this JVM (one event-loop thread), "
                + HOST + ":" + port();
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
