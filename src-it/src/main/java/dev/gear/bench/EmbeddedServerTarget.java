package dev.gear.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import dev.gear.server.Server;

/** Our {@link Server}, in this JVM, on 127.0.0.1 and a port the kernel picks. */
final class EmbeddedServerTarget implements Target {
    private static final String HOST = "127.0.0.1";
    /** The name of the server's event-loop thread (a server without a server id). */
    private static final String LOOP_THREAD = "gear-server";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final Server server;
    private final long loopThreadId;

    private EmbeddedServerTarget(Server server, long loopThreadId) {
        this.server = server;
        this.loopThreadId = loopThreadId;
    }

    static EmbeddedServerTarget start() {
        Server server = Server.builder().listenAddress(HOST).port(0).backlog(1024).build().start();
        long loopThreadId = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(LOOP_THREAD)).mapToLong(Thread::getId).findFirst().orElse(-1);
        return new EmbeddedServerTarget(server, loopThreadId);
    }

    @Override
    public long cpuNanos() {
        return loopThreadId < 0 || !THREADS.isThreadCpuTimeSupported() ? -1 : THREADS.getThreadCpuTime(loopThreadId);
    }

    @Override
    public String name() {
        return "embedded";
    }

    @Override
    public String description() {
        return "gear-java " + Server.version() + " dev.gear.server.Server embedded in the benchmark's JVM (one event-loop thread), "
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
