package dev.gear.it.support;

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
