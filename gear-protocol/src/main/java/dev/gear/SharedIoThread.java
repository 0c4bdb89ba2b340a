package dev.gear;

import dev.gear.internal.transport.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One I/O thread that several {@link Client}s and {@link Worker}s share instead of one each
 * (Netty's event loop, Lettuce's {@code ClientResources}): give it to their builders with
 * {@code ioThread(io)}.
 *
 * <pre>{@code
 * try (SharedIoThread io = SharedIoThread.start("app-io")) {
 *     Worker worker = Worker.builder().clientId("echo").ioThread(io).runHandlersOnIoThread().build();
 *     Client client = Client.builder().ioThread(io).build();
 *     ...
 * } // closes the client and the worker too
 * }</pre>
 *
 * <p>Every thread costs a wake-up per packet that reaches it; on a busy machine with few cores,
 * one thread driving all the connections of a process does the same work with far fewer thread
 * switches (the benchmark in {@code docs/performance.md} shows how many). The price: whatever runs
 * on the thread (job completion callbacks, {@link ClientListener}s, handlers run on the I/O thread)
 * delays every client and worker on it, so it must not block. Blocking calls of the library made
 * on any I/O thread are refused with an {@link IllegalStateException} instead of waiting forever.
 *
 * <p>Clients built without {@code ioThread(io)} already share one thread, the JVM-wide
 * {@value Client#DEFAULT_IO_THREAD_NAME} that no one closes; a {@code SharedIoThread} is the
 * choice for workers, and for a group of clients whose lifetime (and thread) you want to own.
 *
 * <p>{@link #close()} shuts down the clients and workers still using the thread, then ends it.
 * Closing one of them leaves the thread running for the others.
 */
public final class SharedIoThread implements AutoCloseable {
    private final EventLoop loop;
    private final String name;
    private final Set<BaseClient> users = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private SharedIoThread(String name) {
        this.name = name;
        this.loop = new EventLoop(name);
    }

    /** Starts an I/O thread named {@code name} (a daemon thread, as every I/O thread of the library). */
    public static SharedIoThread start(String name) {
        Objects.requireNonNull(name, "name");
        return new SharedIoThread(name);
    }

    /** The thread's name. */
    public String name() {
        return name;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** The loop for a client or worker being built; refused once closed. */
    EventLoop loopFor(String who) {
        if (closed) {
            throw new IllegalStateException("cannot build " + who + " on shared I/O thread " + name
                    + ": it is closed");
        }
        return loop;
    }

    /** Called by a client or worker built on this thread, so {@link #close()} can shut it down. */
    void attach(BaseClient user) {
        users.add(user);
        if (closed) { // closed between loopFor and attach
            users.remove(user);
            user.shutdown();
        }
    }

    void detach(BaseClient user) {
        users.remove(user);
    }

    /**
     * Shuts down every client and worker still on this thread (their jobs in flight fail as on
     * their own {@code shutdown()}), then ends the thread and waits for it. Idempotent; must not
     * be called on the thread itself.
     */
    @Override
    public void close() {
        if (loop.inLoop()) {
            throw new IllegalStateException("SharedIoThread.close() called on the I/O thread " + name
                    + " itself, which would wait for itself to end");
        }
        closed = true;
        List<BaseClient> left = new ArrayList<>(users);
        for (BaseClient user : left) {
            user.shutdown();
        }
        users.clear();
        loop.close();
    }

    @Override
    public String toString() {
        return "SharedIoThread[" + name + (closed ? ", closed" : "") + ", " + users.size() + " clients/workers]";
    }
}
