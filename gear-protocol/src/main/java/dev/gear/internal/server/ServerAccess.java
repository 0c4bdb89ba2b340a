package dev.gear.internal.server;

import dev.gear.server.Server;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reaches the {@link ServerCore} behind a public {@link Server}, for this project's test kit
 * (event listeners, running code on the server's loop) without putting internal types in the
 * public API. {@link Server} installs the accessor when its class initializes.
 */
public final class ServerAccess {
    private static volatile Function<Server, ServerCore> accessor;

    private ServerAccess() {
    }

    /** Called once by {@link Server}'s static initializer. */
    public static void install(Function<Server, ServerCore> access) {
        if (accessor != null) {
            throw new IllegalStateException("ServerAccess already installed");
        }
        accessor = access;
    }

    /** The core of {@code server}; its state may only be touched on {@code core.loop()}. */
    public static ServerCore core(Server server) {
        Objects.requireNonNull(server, "server");
        Function<Server, ServerCore> a = accessor;
        if (a == null) {
            try {
                Class.forName(Server.class.getName(), true, Server.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
            a = accessor;
        }
        return a.apply(server);
    }
}
