package dev.gear.internal.transport;

import dev.gear.ConnectionException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * An outgoing connect that has not finished yet: the channel waits for OP_CONNECT, a timer for
 * the timeout; once connected it becomes a {@link NioConnection} (whose handshake, under TLS,
 * completes {@link #result}). Loop thread only.
 */
final class PendingConnect implements ReadyKey {
    private final EventLoop loop;
    private final SocketChannel channel;
    private final InetSocketAddress address;
    private final ConnectionLimits limits;
    private final TlsSettings tls;
    private final ConnectionHandler handler;
    private final CompletableFuture<NioConnection> result;
    private Cancellable timeout;

    private PendingConnect(EventLoop loop, SocketChannel channel, InetSocketAddress address, ConnectionLimits limits,
            TlsSettings tls, ConnectionHandler handler, CompletableFuture<NioConnection> result) {
        this.loop = loop;
        this.channel = channel;
        this.address = address;
        this.limits = limits;
        this.tls = tls;
        this.handler = handler;
        this.result = result;
    }

    /** Starts connecting to {@code address}; {@code result} completes with the open connection or fails saying why. */
    static void start(EventLoop loop, InetSocketAddress address, Duration timeout, SocketSettings settings,
            ConnectionLimits limits, TlsSettings tls, ConnectionHandler handler, CompletableFuture<NioConnection> result) {
        SocketChannel channel = null;
        try {
            if (address.isUnresolved()) {
                throw new IOException("cannot resolve host " + address.getHostString());
            }
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            settings.applyTo(channel);
            PendingConnect pending = new PendingConnect(loop, channel, address, limits, tls, handler, result);
            if (channel.connect(address)) {
                pending.finish(null);
                return;
            }
            SelectionKey key = loop.registerConnect(channel, pending);
            pending.timeout = loop.schedule(timeout, () -> {
                if (!result.isDone()) {
                    key.cancel();
                    EventLoop.closeQuietly(pending.channel);
                    result.completeExceptionally(new ConnectionException(
                            "connecting to " + EventLoop.describe(address) + " timed out after " + timeout.toMillis()
                                    + " ms"));
                }
            });
        } catch (IOException | RuntimeException e) {
            EventLoop.closeQuietly(channel);
            result.completeExceptionally(new ConnectionException(
                    "cannot connect to " + EventLoop.describe(address) + ": " + e.getMessage(), e));
        }
    }

    @Override
    public void onReady(SelectionKey key) {
        finish(key);
    }

    private void finish(SelectionKey key) {
        try {
            if (key != null) {
                key.interestOps(0);
                channel.finishConnect();
            }
            if (timeout != null) {
                timeout.cancel();
            }
            NioConnection connection = new NioConnection(loop, channel, handler, limits.newDecoder(),
                    limits.maxQueuedOutput(), tls, true, result);
            if (key != null) {
                key.attach(connection);
                connection.register(key);
                loop.adopt(connection);
            } else {
                loop.register(channel, connection);
            }
            connection.start(); // completes result once open (after the TLS handshake)
        } catch (IOException | RuntimeException e) {
            if (key != null) {
                key.cancel();
            }
            EventLoop.closeQuietly(channel);
            result.completeExceptionally(new ConnectionException(
                    "cannot connect to " + EventLoop.describe(address) + ": " + e.getMessage(), e));
        }
    }

    /** The loop is closing: the connect is abandoned. */
    void abandon() {
        EventLoop.closeQuietly(channel);
        result.completeExceptionally(new ConnectionException("event loop closed while connecting"));
    }

    @Override
    public String toString() {
        return "connect to " + EventLoop.describe(address);
    }
}
