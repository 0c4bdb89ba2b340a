package dev.gear.internal.transport;

import dev.gear.ConnectionException;
import dev.gear.GearmanException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that owns a {@link Selector} and everything registered with it: listeners,
 * connections, timers. State touched only from this thread needs no locks; other threads hand it
 * work through {@link #execute} and {@link #submit}. Output queued during a turn is flushed at the
 * end of that turn, so a burst of packets leaves in one gathering write.
 */
public final class EventLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);

    static final int READ_BUFFER_SIZE = 64 * 1024;
    static final int WRITE_BUFFER_SIZE = 128 * 1024;
    /**
     * Size of the read and write buffers a loop adds, once, when it first moves a body larger than
     * its usual buffers: a 1 MiB payload then costs a few syscalls each way instead of 16 or more.
     */
    static final int LARGE_BUFFER_SIZE = 1024 * 1024;

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /**
     * True while the loop thread is awake (running tasks, timers and ready keys) or a wake-up is
     * already on its way: {@link #execute} then only queues, sparing a wake-up syscall per task
     * while the loop is busy. The loop clears it just before it checks the task queue and blocks.
     */
    private final AtomicBoolean wakeupPending = new AtomicBoolean(true);
    private final PriorityQueue<LoopTimer> timers = new PriorityQueue<>();
    /** Connections with output queued this turn, each once (its {@code dirty} flag says so). */
    private final ArrayList<NioConnection> dirty = new ArrayList<>();
    private final Set<NioConnection> connections = new LinkedHashSet<>();
    private final List<Listener> listeners = new ArrayList<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    private ByteBuffer largeReadBuffer;
    private ByteBuffer largeWriteBuffer;
    /**
     * Where queued output is encoded just before a write (and plaintext staged before a TLS wrap).
     * Direct, so the socket write copies nothing more; one per loop, reused by every connection.
     */
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_SIZE);
    /** Handles one ready key; made once so that selecting allocates no iterator or lambda per turn. */
    private final Consumer<SelectionKey> keyHandler = this::processKey;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean running = true;
    private long timerSequence;
    /** Period of the incomplete-frame sweep (0 until a listener with a frame timeout exists). */
    private long sweepIntervalNanos;
    private Cancellable sweep;

    /** Creates and starts the loop thread (a daemon thread named {@code threadName}). */
    public EventLoop(String threadName) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new GearmanException("cannot open a selector: " + e.getMessage(), e);
        }
        thread = new LoopThread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Marks the threads of event loops, so a blocking call made on one can be refused. */
    private static final class LoopThread extends Thread {
        LoopThread(Runnable run, String name) {
            super(run, name);
        }
    }

    /**
     * Whether the caller runs on the thread of any event loop: a blocking wait there would stall
     * every connection of that loop, and wait forever for an answer only that loop can deliver.
     */
    public static boolean onAnyLoopThread() {
        return Thread.currentThread() instanceof LoopThread;
    }

    /** Whether the caller runs on this loop's thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Runs {@code task} on the loop thread, soon. Any thread. Tasks given after close are dropped. */
    public void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Runs {@code task} on the loop and completes the future with its result or exception. */
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(new IllegalStateException("event loop " + thread.getName() + " is closed"));
            return result;
        }
        execute(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    /**
     * The longest delay a timer keeps: about 73 years. Deadlines are compared by subtraction
     * ({@code System.nanoTime} may wrap), which is exact only while they lie within 2^62 ns of now.
     */
    static final long MAX_DELAY_NANOS = Long.MAX_VALUE / 4;

    /**
     * Runs {@code task} on the loop after {@code delay}; a delay longer than about 73 years
     * ({@link #MAX_DELAY_NANOS}) is cut to that, which for a running process means never. Any thread.
     */
    public Cancellable schedule(Duration delay, Runnable task) {
        long nanos;
        try {
            nanos = Math.min(MAX_DELAY_NANOS, Math.max(0, delay.toNanos()));
        } catch (ArithmeticException e) { // beyond a long of nanoseconds: ±292 years
            nanos = delay.isNegative() ? 0 : MAX_DELAY_NANOS;
        }
        LoopTimer timer = new LoopTimer(System.nanoTime() + nanos, task);
        if (inLoop()) {
            timer.sequence = timerSequence++;
            timers.add(timer);
        } else {
            execute(() -> {
                timer.sequence = timerSequence++;
                timers.add(timer);
            });
        }
        return timer;
    }

    /**
     * Binds a listening socket in the caller's thread (so bind errors surface there) and starts
     * accepting on the loop.
     */
    public Listener listen(InetSocketAddress address, int backlog, SocketSettings settings, ConnectionLimits limits,
            Acceptor acceptor) throws IOException {
        return listen(address, backlog, settings, limits, null, acceptor);
    }

    /**
     * Like {@link #listen(InetSocketAddress, int, SocketSettings, ConnectionLimits, Acceptor)}, with
     * TLS when {@code tls} is not null: every accepted connection runs its handshake on the loop, and
     * its handler's {@code onOpen} follows a finished handshake. A connection whose handshake fails
     * or times out is closed (the handler sees {@code onClosed} with the reason, without
     * {@code onOpen}); no other connection notices.
     */
    public Listener listen(InetSocketAddress address, int backlog, SocketSettings settings, ConnectionLimits limits,
            TlsSettings tls, Acceptor acceptor) throws IOException {
        return listen(address, backlog, settings, limits, tls, acceptor, false);
    }

    /**
     * Like {@link #listen(InetSocketAddress, int, SocketSettings, ConnectionLimits, TlsSettings, Acceptor)};
     * with {@code acceptThread}, connections are accepted on a thread of the listener's own
     * ({@link AcceptThread}) and handed to this loop, instead of by this loop's selector.
     */
    public Listener listen(InetSocketAddress address, int backlog, SocketSettings settings, ConnectionLimits limits,
            TlsSettings tls, Acceptor acceptor, boolean acceptThread) throws IOException {
        return listen(address, backlog, settings, limits, tls, acceptor, acceptThread, AcceptThread.MAX_PENDING);
    }

    /** As above, with the accept thread's cap on accepted connections waiting for this loop (tests lower it). */
    Listener listen(InetSocketAddress address, int backlog, SocketSettings settings, ConnectionLimits limits,
            TlsSettings tls, Acceptor acceptor, boolean acceptThread, int maxPendingAccepts) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(address, backlog);
            channel.configureBlocking(acceptThread); // a blocking accept on its own thread, else selected
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        Listener listener = new Listener(this, channel);
        submit(() -> {
            ListenerKey target = new ListenerKey(this, listener, settings, limits, tls, acceptor);
            if (acceptThread) {
                listener.acceptOn(new AcceptThread(this, channel, target, settings,
                        thread.getName() + "-accept-" + listener.address().getPort(), maxPendingAccepts));
            } else {
                listener.register(channel.register(selector, SelectionKey.OP_ACCEPT, target));
            }
            listeners.add(listener);
            long timeout = limits.incompleteFrameTimeoutNanos();
            if (timeout > 0) {
                startSweep(Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.SECONDS.toNanos(1), timeout / 4)));
            }
            return null;
        }).join();
        return listener;
    }

    /**
     * Connects without blocking the loop. The future completes with the open connection, or
     * fails with a {@link ConnectionException} saying why (refused, unreachable, timed out).
     */
    public CompletableFuture<NioConnection> connect(InetSocketAddress address, Duration timeout,
            SocketSettings settings, ConnectionLimits limits, ConnectionHandler handler) {
        return connect(address, timeout, settings, limits, null, handler);
    }

    /**
     * Like {@link #connect(InetSocketAddress, Duration, SocketSettings, ConnectionLimits, ConnectionHandler)},
     * with TLS when {@code tls} is not null: the future completes after the handshake, and fails
     * with a {@link ConnectionException} naming the reason when the handshake fails or does not
     * finish within {@link TlsSettings#handshakeTimeout()}. The handler sees nothing of a
     * connection that never opened.
     */
    public CompletableFuture<NioConnection> connect(InetSocketAddress address, Duration timeout,
            SocketSettings settings, ConnectionLimits limits, TlsSettings tls, ConnectionHandler handler) {
        CompletableFuture<NioConnection> result = new CompletableFuture<>();
        execute(() -> PendingConnect.start(this, address, timeout, settings, limits, tls, handler, result));
        return result;
    }

    /** Registers a new connection's channel with the selector (no interest yet) and counts it as open. */
    void register(SocketChannel channel, NioConnection connection) throws IOException {
        assert inLoop();
        connection.register(channel.register(selector, 0, connection));
        connections.add(connection);
    }

    /** Counts a connection whose key already exists (a finished connect) as open. */
    void adopt(NioConnection connection) {
        connections.add(connection);
    }

    /** Waits for {@code channel}'s connect to finish. */
    SelectionKey registerConnect(SocketChannel channel, PendingConnect pending) throws IOException {
        return channel.register(selector, SelectionKey.OP_CONNECT, pending);
    }

    /** Runs {@link NioConnection#closeIfStalled} over every connection every {@code intervalNanos} (the shortest asked). */
    private void startSweep(long intervalNanos) {
        if (sweepIntervalNanos != 0 && sweepIntervalNanos <= intervalNanos) {
            return;
        }
        sweepIntervalNanos = intervalNanos;
        if (sweep != null) {
            sweep.cancel();
        }
        sweep = schedule(Duration.ofNanos(intervalNanos), this::sweepStalled);
    }

    private void sweepStalled() {
        long now = System.nanoTime();
        List<NioConnection> stalled = null;
        for (NioConnection c : connections) {
            if (c.isStalled(now)) {
                if (stalled == null) {
                    stalled = new ArrayList<>();
                }
                stalled.add(c);
            }
        }
        if (stalled != null) {
            stalled.forEach(c -> c.closeIfStalled(now));
        }
        sweep = schedule(Duration.ofNanos(sweepIntervalNanos), this::sweepStalled);
    }

    /** The loop's receive buffer, free to use between reads (TLS unwraps into it). */
    ByteBuffer scratch() {
        return readBuffer;
    }

    /** The loop's write buffer, free to use for one flush at a time. */
    ByteBuffer writeBuffer() {
        return writeBuffer;
    }

    /** The receive buffer for a read expected to bring {@code wanted} bytes (plain connections). */
    ByteBuffer readBuffer(long wanted) {
        if (wanted <= READ_BUFFER_SIZE) {
            return readBuffer;
        }
        if (largeReadBuffer == null) {
            largeReadBuffer = ByteBuffer.allocateDirect(LARGE_BUFFER_SIZE);
        }
        return largeReadBuffer;
    }

    /** The write buffer for a flush of {@code queued} bytes (plain connections). */
    ByteBuffer writeBuffer(long queued) {
        if (queued <= WRITE_BUFFER_SIZE) {
            return writeBuffer;
        }
        if (largeWriteBuffer == null) {
            largeWriteBuffer = ByteBuffer.allocateDirect(LARGE_BUFFER_SIZE);
        }
        return largeWriteBuffer;
    }

    void markDirty(NioConnection connection) {
        if (!connection.dirty) {
            connection.dirty = true;
            dirty.add(connection);
        }
    }

    void forget(NioConnection connection) {
        connections.remove(connection); // a closed connection left in dirty is skipped by its flush()
    }

    /** Number of open connections (loop thread). */
    public int connectionCount() {
        return connections.size();
    }

    /** A future completed once the loop thread has ended. */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /**
     * Stops the loop: closes every listener and connection (their handlers see
     * {@code onClosed}), then ends the thread. Returns once the thread has ended. Idempotent.
     */
    @Override
    public void close() {
        if (running) {
            execute(() -> running = false);
        }
        if (!inLoop()) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            while (running) {
                runTasks();
                if (!running) {
                    break;
                }
                flushDirty();
                // After the flush: a connection it closed may have scheduled a timer (a client's
                // reconnect), and the select below must wake for it.
                long timeoutMillis = millisToNextTimer();
                // Cleared before the queue is checked: a task added after the check sees false
                // and wakes the select below, one added before it is seen here.
                wakeupPending.set(false);
                if (!tasks.isEmpty() || timeoutMillis == 0) { // 0: a timer is due already
                    selector.selectNow(keyHandler);
                } else if (timeoutMillis < 0) {
                    selector.select(keyHandler);
                } else {
                    selector.select(keyHandler, Math.max(1, timeoutMillis));
                }
                wakeupPending.set(true);
                runTimers();
                flushDirty();
            }
        } catch (Throwable t) {
            LOG.error("event loop {} failed", thread.getName(), t);
        } finally {
            shutdown();
        }
    }

    private void processKey(SelectionKey key) {
        if (!key.isValid() || !(key.attachment() instanceof ReadyKey ready)) {
            return;
        }
        try {
            ready.onReady(key);
        } catch (RuntimeException e) {
            LOG.error("unexpected failure handling {}", ready, e);
            ready.onFailure(e);
        }
    }

    private void runTasks() {
        Runnable task;
        int budget = 4096; // bounded so I/O is not starved by a flood of tasks
        while (budget-- > 0 && (task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("task failed on event loop {}", thread.getName(), e);
            }
        }
    }

    private long millisToNextTimer() {
        LoopTimer next;
        while ((next = timers.peek()) != null && next.cancelled) {
            timers.poll();
        }
        if (next == null) {
            return -1;
        }
        long nanos = next.deadline - System.nanoTime();
        return nanos <= 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(nanos) + 1;
    }

    private void runTimers() {
        long now = System.nanoTime();
        LoopTimer next;
        while ((next = timers.peek()) != null && (next.cancelled || next.deadline - now <= 0)) {
            timers.poll();
            if (!next.cancelled) {
                next.cancelled = true;
                try {
                    next.task.run();
                } catch (RuntimeException e) {
                    LOG.error("timer task failed on event loop {}", thread.getName(), e);
                }
            }
        }
    }

    private void flushDirty() {
        // Indexed, not iterated: a flush that closes a connection may queue output on others,
        // which then join the end of this same list.
        for (int i = 0; i < dirty.size(); i++) {
            NioConnection connection = dirty.get(i);
            connection.dirty = false;
            connection.flush();
        }
        dirty.clear();
    }

    private void shutdown() {
        running = false;
        // What the last turn queued (a worker's final WORK_COMPLETE, say) goes out if the socket
        // takes it without blocking; only then are the connections closed.
        try {
            flushDirty();
        } catch (RuntimeException e) {
            LOG.debug("final flush failed: {}", e.toString());
        }
        for (Listener listener : new ArrayList<>(listeners)) {
            listener.closeNow();
        }
        listeners.clear();
        for (NioConnection connection : new ArrayList<>(connections)) {
            connection.close("event loop closed");
        }
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof PendingConnect pending) {
                pending.abandon();
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing selector: {}", e.toString());
        }
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run(); // lets submit() futures complete instead of hanging
            } catch (RuntimeException e) {
                LOG.debug("task after close failed: {}", e.toString());
            }
        }
        terminated.complete(null);
    }

    static void closeQuietly(java.nio.channels.Channel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("close: {}", e.toString());
            }
        }
    }

    static String describe(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }
}
