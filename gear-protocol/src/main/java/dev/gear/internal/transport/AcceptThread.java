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
import java.util.concurrent.atomic.AtomicInteger;
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
 * <p>The hand-off is bounded both ways. The loop serves at most {@value #HAND_OFF_BATCH} accepted
 * connections per turn and goes back to the connections it already has before the next batch, so a
 * flood of connects cannot starve them. And once {@value #MAX_PENDING} (by default) accepted
 * connections wait for the loop (a few MiB of sockets: enough to take in a storm of thousands of
 * connects at once, which the kernel's backlog alone would overflow, costing each dropped client a
 * one-second SYN retry), this thread stops accepting until the loop has caught up: the rest wait in
 * the backlog instead of piling up faster than the loop can serve them (unbounded, a fuzzer's
 * 9 000 connects a second once took the heap past a gigabyte and held a bystander's ECHO for 24 s).
 *
 * <p>Paused ({@link Listener#setAccepting}), the thread stops calling {@code accept}, so new
 * connects wait in the backlog; one accepted while the pause began is held, not served, until the
 * listener resumes.
 */
final class AcceptThread implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);
    /** Pause after a failed accept (out of file descriptors), as the loop's own accept does. */
    private static final Duration BACKOFF = Duration.ofMillis(100);
    /** Accepted connections the loop serves per turn before it looks at its other connections again. */
    static final int HAND_OFF_BATCH = 64;
    /** Default of accepted connections waiting for the loop at most; beyond, the kernel's backlog holds them. */
    static final int MAX_PENDING = 4096;

    private final EventLoop loop;
    private final ServerSocketChannel channel;
    private final ListenerKey target;
    private final SocketSettings settings;
    private final Thread thread;
    private final int maxPending;
    private final ConcurrentLinkedQueue<SocketChannel> accepted = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean handOffScheduled = new AtomicBoolean();
    /** Accepted and not yet taken by the loop. */
    private final AtomicInteger pending = new AtomicInteger();
    /** Set by this thread before it parks for want of room; the loop then unparks it. */
    private volatile boolean waitingForRoom;
    private final Runnable handOff = this::handOff;
    private volatile boolean paused;
    private volatile boolean stopped;
    /** Loop thread: accepted while paused, served once resumed. */
    private final List<SocketChannel> held = new ArrayList<>();

    AcceptThread(EventLoop loop, ServerSocketChannel channel, ListenerKey target, SocketSettings settings,
            String name, int maxPending) {
        this.maxPending = maxPending;
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
            if (pending.get() >= maxPending) {
                waitingForRoom = true;
                // Checked again after the flag is up: the loop either sees the flag or made room first.
                if (pending.get() >= maxPending && !stopped && !paused) {
                    LockSupport.park(this);
                }
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
            pending.incrementAndGet();
            accepted.add(connection);
            if (handOffScheduled.compareAndSet(false, true)) {
                loop.execute(handOff);
            }
        }
    }

    /**
     * Loop thread: serves up to {@link #HAND_OFF_BATCH} of what was accepted. With more waiting, the
     * next batch comes after the loop's next select (a timer due at once runs after it, where a task
     * queued now would run in this same pass), so the loop's other connections are served between.
     */
    private void handOff() {
        assert loop.inLoop();
        handOffScheduled.set(false);
        SocketChannel connection;
        int served = 0;
        while (served < HAND_OFF_BATCH && (connection = accepted.poll()) != null) {
            served++;
            pending.decrementAndGet();
            if (stopped) {
                EventLoop.closeQuietly(connection);
            } else if (paused) {
                held.add(connection);
            } else {
                target.serve(connection);
            }
        }
        if (waitingForRoom && pending.get() < maxPending) {
            waitingForRoom = false;
            LockSupport.unpark(thread);
        }
        if (!accepted.isEmpty() && !stopped && handOffScheduled.compareAndSet(false, true)) {
            loop.schedule(Duration.ZERO, handOff);
        }
    }

    /** Accepted connections the loop has not taken yet, at most the cap given. Any thread. */
    int pendingHandOffs() {
        return pending.get();
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
        SocketChannel waiting; // accepted, not served yet: a later hand-off would close only a batch
        while ((waiting = accepted.poll()) != null) {
            pending.decrementAndGet();
            EventLoop.closeQuietly(waiting);
        }
    }
}
