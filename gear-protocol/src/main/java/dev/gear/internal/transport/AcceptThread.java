package dev.gear.internal.transport;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a listener's connections on a thread of its own, in a blocking {@code accept}, and hands
 * them to the loop in batches. The kernel's accept queue is then drained as fast as connections
 * arrive, whatever the loop is busy with: in a connection storm (thousands of clients connecting
 * at once, one job each, as web front ends use Gearman) a loop that also serves the connections it
 * accepted lets the queue overflow, and every dropped SYN costs its client a one-second retry.
 * gearmand accepts on a thread of its own for the same reason.
 *
 * <p>Paused ({@link Listener#setAccepting}), the thread stops calling {@code accept}, so new
 * connects wait in the backlog; one accepted while the pause began is held, not served, until the
 * listener resumes.
 */
final class AcceptThread implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);
    /** Pause after a failed accept (out of file descriptors), as the loop's own accept does. */
    private static final Duration BACKOFF = Duration.ofMillis(100);

    private final EventLoop loop;
    private final ServerSocketChannel channel;
    private final ListenerKey target;
    private final SocketSettings settings;
    private final Thread thread;
    private final ConcurrentLinkedQueue<SocketChannel> accepted = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean handOffScheduled = new AtomicBoolean();
    private final Runnable handOff = this::handOff;
    private volatile boolean paused;
    private volatile boolean stopped;
    /** Loop thread: accepted while paused, served once resumed. */
    private final List<SocketChannel> held = new ArrayList<>();

    AcceptThread(EventLoop loop, ServerSocketChannel channel, ListenerKey target, SocketSettings settings,
            String name) {
        this.loop = loop;
        this.channel = channel;
        this.target = target;
        this.settings = settings;
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        while (!stopped) {
            if (paused) {
                LockSupport.park(this);
                continue;
            }
            SocketChannel connection;
            try {
                connection = channel.accept();
            } catch (ClosedChannelException e) { // AsynchronousCloseException too: closed while blocked
                return; // the listener closed
            } catch (IOException e) {
                LOG.warn("accept on {} failed: {}; accepting again in {} ms", target, e.toString(), BACKOFF.toMillis());
                LockSupport.parkNanos(this, BACKOFF.toNanos());
                continue;
            }
            try {
                // Done here, off the loop: the loop only registers the channel.
                connection.configureBlocking(false);
                settings.applyTo(connection);
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not set up an accepted connection: {}", e.toString());
                EventLoop.closeQuietly(connection);
                continue;
            }
            accepted.add(connection);
            if (handOffScheduled.compareAndSet(false, true)) {
                loop.execute(handOff);
            }
        }
    }

    /** Loop thread: serves what was accepted since the last hand-off. */
    private void handOff() {
        handOffScheduled.set(false);
        SocketChannel connection;
        while ((connection = accepted.poll()) != null) {
            if (stopped) {
                EventLoop.closeQuietly(connection);
            } else if (paused) {
                held.add(connection);
            } else {
                target.serve(connection);
            }
        }
    }

    /** Any thread. */
    void setPaused(boolean pause) {
        paused = pause;
        if (!pause) {
            loop.execute(() -> {
                List<SocketChannel> waiting = new ArrayList<>(held);
                held.clear();
                waiting.forEach(target::serve);
            });
            LockSupport.unpark(thread);
        }
    }

    /**
     * Waits for the thread to leave a blocked {@code accept} once the channel is closed: until then
     * the kernel keeps the listening socket (and its port) alive.
     */
    void awaitExit() {
        if (Thread.currentThread() == thread || !thread.isAlive()) {
            return;
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The listener is closing (its channel closes too, which ends a blocked accept). Loop thread. */
    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
        held.forEach(EventLoop::closeQuietly);
        held.clear();
    }
}
