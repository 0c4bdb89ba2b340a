package dev.gear.server;

import dev.gear.internal.server.ServerControl;
import dev.gear.internal.transport.Listener;

/** What the server core may ask of the {@link Server} that owns its sockets; called on the loop thread. */
final class ServerLoopControl implements ServerControl {
    private final Server server;

    ServerLoopControl(Server server) {
        this.server = server;
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
