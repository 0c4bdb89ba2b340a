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
 * How a {@link ServerLink} opens its socket. Plain TCP today; a TLS connector (an
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

    /**
     * TLS 1.3/1.2 with {@code context} (its key and certificate identify us, its trust managers judge
     * the server). Like gear, the server certificate's name is not checked against the host: the CA
     * is the trust anchor. The handshake runs on the loop; the future completes after it.
     */
    static Connector tls(SocketSettings settings, ConnectionLimits limits, javax.net.ssl.SSLContext context,
            boolean verifyHostname) {
        dev.gear.internal.transport.TlsSettings tls =
                dev.gear.internal.transport.TlsSettings.of(context).withVerifyHostname(verifyHostname);
        return (loop, address, timeout, handler) -> loop.connect(address, timeout, settings, limits, tls, handler);
    }
}
