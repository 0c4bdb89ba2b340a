package dev.gear.junit5.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The servers started in one extension context, in start order. A context's store finds values
 * of its ancestors too, so each context keeps its registry under a key made of its own unique id;
 * walking up the contexts then lists exactly the servers in scope, level by level.
 */
final class ServerRegistry {
    /** Store key of the registry of the context with this unique id. */
    record Key(String contextId) {
    }

    private final List<ManagedServer> servers = new CopyOnWriteArrayList<>();

    void add(ManagedServer server) {
        servers.add(server);
    }

    List<ManagedServer> servers() {
        return servers;
    }
}
