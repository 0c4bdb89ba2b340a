package dev.gear.internal.server;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every function the server knows, by name, in the order they became known. Loop thread only. */
final class FunctionTable {
    private final Map<String, FunctionEntry> byName = new LinkedHashMap<>();

    /** The function named {@code key} (a {@link Bytes#key}), made when it is new. */
    FunctionEntry function(String key) {
        return byName.computeIfAbsent(key, FunctionEntry::new);
    }

    /** The function named {@code key}, or null. */
    FunctionEntry find(String key) {
        return byName.get(key);
    }

    /** {@code drop function}: gone for good, so no connection's cached lookup may return it. */
    void drop(FunctionEntry f) {
        byName.remove(f.name);
        f.dropped = true;
    }

    /** Live view in the order the functions became known; do not modify. */
    Collection<FunctionEntry> all() {
        return byName.values();
    }
}
