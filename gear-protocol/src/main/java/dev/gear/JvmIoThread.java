package dev.gear;

import dev.gear.internal.transport.EventLoop;

/**
 * The JVM-wide I/O thread that every {@link Client} built without {@code ioThread(...)} or
 * {@code ownIoThread()} runs on: started by the first such client, a daemon thread, never closed
 * by a client (closing one closes only its own connections), so it lives as long as the JVM.
 *
 * <p>Why: a client made per request (a web front end's way, as PHP and CGI front ends use
 * Gearman) used to start a thread and open a selector when built, and join the thread when
 * closed; on the shared thread it costs neither, only its connections.
 */
final class JvmIoThread {
    private static final Object LOCK = new Object();
    /** The loop of the moment; replaced only if it ever ended (a fatal error on the thread). */
    private static volatile EventLoop loop;

    private JvmIoThread() {
    }

    /** The JVM-wide loop, started on first use. Any thread. */
    static EventLoop loop() {
        EventLoop current = loop;
        if (current != null && !current.terminated().isDone()) {
            return current;
        }
        synchronized (LOCK) {
            current = loop;
            // A loop ends only by close(), which nothing calls on this one, or by an Error escaping
            // it: the clients built after that must not be left on a dead thread.
            if (current == null || current.terminated().isDone()) {
                current = new EventLoop(Client.DEFAULT_IO_THREAD_NAME);
                loop = current;
            }
            return current;
        }
    }
}
