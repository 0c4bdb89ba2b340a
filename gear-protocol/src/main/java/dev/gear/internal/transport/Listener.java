package dev.gear.internal.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A bound listening socket on an {@link EventLoop}. */
public final class Listener {
    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);

    private final EventLoop loop;
    private final ServerSocketChannel channel;
    private final InetSocketAddress address;
    private volatile SelectionKey key;
    private volatile boolean paused;
    /** Accepts on its own thread when set (see {@link AcceptThread}); else the loop selects for accepts. */
    private volatile AcceptThread acceptThread;

    Listener(EventLoop loop, ServerSocketChannel channel) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.address = (InetSocketAddress) channel.getLocalAddress();
    }

    void register(SelectionKey key) {
        this.key = key;
    }

    void acceptOn(AcceptThread thread) {
        this.acceptThread = thread;
        thread.setPaused(paused);
        thread.start();
    }

    ServerSocketChannel channel() {
        return channel;
    }

    /** The thread accepting for this listener, or null when the loop's selector accepts. */
    AcceptThread acceptThread() {
        return acceptThread;
    }

    /** The bound address; its port is the real one when port 0 was asked for. */
    public InetSocketAddress address() {
        return address;
    }

    /** Stops or resumes accepting; connections wait in the backlog meanwhile. Any thread. */
    public void setAccepting(boolean accepting) {
        paused = !accepting;
        AcceptThread thread = acceptThread;
        if (thread != null) {
            thread.setPaused(!accepting);
            return;
        }
        loop.execute(() -> {
            SelectionKey k = key;
            if (k != null && k.isValid()) {
                k.interestOps(accepting ? SelectionKey.OP_ACCEPT : 0);
            }
        });
    }

    boolean isPaused() {
        return paused;
    }

    private boolean backingOff;

    /**
     * Stops selecting for accepts for {@code pause} after an accept failed (typically the process
     * is out of file descriptors): the listener stays ready while its backlog is full, so without
     * the pause the loop would spin on it, burning a core and logging a warning per turn. Loop
     * thread; {@link #setAccepting} still decides once the pause is over.
     */
    void backOff(java.time.Duration pause) {
        SelectionKey k = key;
        if (backingOff || k == null || !k.isValid()) {
            return;
        }
        backingOff = true;
        k.interestOps(0);
        loop.schedule(pause, () -> {
            backingOff = false;
            if (k.isValid() && !paused) {
                k.interestOps(SelectionKey.OP_ACCEPT);
            }
        });
    }

    /** Closes the socket and releases the port. Any thread; returns once closed. */
    public void close() {
        if (loop.inLoop()) {
            closeNow(); // waiting for a task on our own thread would never end
            return;
        }
        try {
            loop.submit(() -> {
                closeNow();
                return null;
            }).join();
        } catch (RuntimeException e) {
            closeNow(); // loop already stopped
        }
    }

    void closeNow() {
        AcceptThread thread = acceptThread;
        if (thread != null) {
            thread.stop();
        }
        SelectionKey k = key;
        if (k != null) {
            k.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing listener {}: {}", address, e.toString());
        }
        if (thread != null) {
            thread.awaitExit(); // the port is free only once its blocked accept has returned
        }
    }
}
