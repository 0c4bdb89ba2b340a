package dev.gear.internal.client;

import dev.gear.internal.transport.ConnectionHandler;
import dev.gear.internal.transport.ConnectionLimits;
import dev.gear.internal.transport.EventLoop;
import dev.gear.internal.transport.NioConnection;
import dev.gear.internal.transport.SocketSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * How a {@link ServerConnection} opens its socket. Plain TCP today; a TLS connector (an
 * {@code SSLContext} wrapped around the same non-blocking transport) plugs in here without the
 * client or worker knowing the difference.
 */
@FunctionalInterface
public interface Connector {
    /** Starts connecting; the future fails with a {@code ConnectionException} on refusal or timeout. */
    CompletableFuture<NioConnection> connect(EventLoop loop, InetSocketAddress address, Duration timeout,
            ConnectionHandler handler);

    /** Plain TCP with the given socket settings and limits. */
    static Connector plain(SocketSettings settings, ConnectionLimits limits) {
        return (loop, address, timeout, handler) -> loop.connect(address, timeout, settings, limits, handler);
    }
}
