package dev.gear.server;

import dev.gear.ConnectionException;
import dev.gear.internal.server.ServerControl;
import dev.gear.internal.transport.Acceptor;
import dev.gear.internal.transport.ConnectionLimits;
import dev.gear.internal.transport.EventLoop;
import dev.gear.internal.transport.Listener;
import dev.gear.internal.transport.SocketSettings;
import dev.gear.internal.transport.TlsSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Server}'s sockets: binding its listen addresses, and what the server core may ask of
 * them (called on the loop thread).
 */
final class ServerLoopControl implements ServerControl {
    private static final Logger LOG = LoggerFactory.getLogger(Server.class);
    private final Server server;

    ServerLoopControl(Server server) {
        this.server = server;
    }

    /**
     * Binds every listen address of {@code options} on {@code loop}, in the caller's thread.
     *
     * @throws ConnectionException naming the address that cannot be bound; those bound before it stay
     *                             bound until the loop closes
     */
    static List<Listener> bind(EventLoop loop, ServerOptions options, Acceptor acceptor) {
        SocketSettings settings = options.socketSettings();
        ConnectionLimits limits = options.connectionLimits();
        TlsSettings tls = options.tlsSettings();
        List<Listener> bound = new ArrayList<>();
        int port = options.port();
        List<String> hosts = options.listenAddresses().isEmpty() ? List.of("") : options.listenAddresses();
        for (String host : hosts) {
            String shown = (host.isEmpty() ? "*" : host) + ":" + port;
            try {
                InetSocketAddress address = host.isEmpty() ? new InetSocketAddress(port)
                        : new InetSocketAddress(InetAddress.getByName(host), port);
                Listener listener = loop.listen(address, options.backlog(), settings, limits, tls, acceptor,
                        options.acceptThread());
                bound.add(listener);
                // With port 0, every further address binds the port the first one got.
                port = listener.address().getPort();
                LOG.debug("Gearman server listening on {}", listener.address());
            } catch (UnknownHostException e) {
                throw new ConnectionException("cannot listen on " + shown + ": unknown host " + host, e);
            } catch (IOException | RuntimeException e) {
                throw new ConnectionException("cannot listen on " + shown + ": " + e.getMessage(), e);
            }
        }
        return bound;
    }

    @Override
    public void stopAccepting() {
        server.listenersNow().forEach(Listener::close); // frees the ports at once; refused connects beat hanging ones
    }

    @Override
    public void setAccepting(boolean accepting) {
        server.listenersNow().forEach(l -> l.setAccepting(accepting));
    }

    @Override
    public void stop() {
        server.stopLoop();
    }
}
