package dev.gear.internal.transport;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening socket on its loop: accepts connections, sets each one up (socket options, limits,
 * TLS) and hands it to the {@link Acceptor}; refuses connections beyond the limit at once.
 * Loop thread only.
 */
final class ListenerKey implements ReadyKey {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);
    /** Accepts per ready listener per turn: drains a burst without starving established peers. */
    private static final int ACCEPTS_PER_TURN = 256;
    /** Pause after a failed accept (out of file descriptors): see {@link Listener#backOff}. */
    private static final Duration ACCEPT_BACKOFF = Duration.ofMillis(100);

    private final EventLoop loop;
    private final Listener listener;
    private final SocketSettings settings;
    private final ConnectionLimits limits;
    private final TlsSettings tls;
    private final Acceptor acceptor;
    /** Connections refused by {@link ConnectionLimits#maxConnections()} since the last warning. */
    private long refusedSinceWarning;
    private long lastRefusalWarning;

    ListenerKey(EventLoop loop, Listener listener, SocketSettings settings, ConnectionLimits limits, TlsSettings tls,
            Acceptor acceptor) {
        this.loop = loop;
        this.listener = listener;
        this.settings = settings;
        this.limits = limits;
        this.tls = tls;
        this.acceptor = acceptor;
    }

    @Override
    public void onReady(SelectionKey key) {
        for (int i = 0; i < ACCEPTS_PER_TURN && !listener.isPaused(); i++) {
            SocketChannel channel;
            try {
                channel = listener.channel().accept();
            } catch (IOException e) {
                LOG.warn("accept on {} failed: {}; accepting again in {} ms", listener.address(), e.toString(),
                        ACCEPT_BACKOFF.toMillis());
                listener.backOff(ACCEPT_BACKOFF);
                return;
            }
            if (channel == null) {
                return;
            }
            try {
                channel.configureBlocking(false);
                settings.applyTo(channel);
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not set up an accepted connection: {}", e.toString());
                EventLoop.closeQuietly(channel);
                continue;
            }
            serve(channel);
        }
    }

    /**
     * An accepted, non-blocking channel with its socket options set: refused when the connection
     * limit is reached, else registered and handed to the {@link Acceptor}. Loop thread.
     */
    void serve(SocketChannel channel) {
        int max = limits.maxConnections();
        if (max > 0 && loop.connectionCount() >= max) {
            refuse(channel, max);
            return;
        }
        try {
            NioConnection connection = new NioConnection(loop, channel, null, limits.newDecoder(),
                    limits.maxQueuedOutput(), tls, false, null);
            connection.setIncompleteFrameTimeout(limits.incompleteFrameTimeoutNanos());
            loop.register(channel, connection);
            connection.setHandler(acceptor.accept(connection));
            connection.start();
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not set up an accepted connection: {}", e.toString());
            EventLoop.closeQuietly(channel);
        }
    }

    /**
     * Over the connection limit: the new connection is closed at once (its peer sees the close; it
     * does not wait in the backlog holding a socket), with a warning at most every 10 s.
     */
    private void refuse(SocketChannel channel, int max) {
        EventLoop.closeQuietly(channel);
        refusedSinceWarning++;
        long now = System.nanoTime();
        if (lastRefusalWarning == 0 || now - lastRefusalWarning > TimeUnit.SECONDS.toNanos(10)) {
            LOG.warn("{} connection(s) to {} refused: {} connections are open, the limit", refusedSinceWarning,
                    listener.address(), max);
            refusedSinceWarning = 0;
            lastRefusalWarning = now;
        }
    }

    @Override
    public String toString() {
        return "listener " + listener.address();
    }
}
