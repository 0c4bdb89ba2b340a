package dev.gear.it.support;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Starts one kind of {@link ServerUnderTest}, fresh for each scenario. This is what parameterized
 * tests receive from {@link ServersUnderTest}: starting a server is cheap (gearmand: about 80 ms),
 * and a fresh server per scenario means no job, function or handle counter leaks between them.
 *
 * @param kind        which implementation
 * @param name        shown in test names
 * @param unavailable why it cannot run on this machine, or empty when it can
 * @param starter     starts and returns a server that already accepts connections
 */
public record ServerLauncher(ServerUnderTest.Kind kind, String name, Supplier<Optional<String>> unavailable,
        Starter starter) {

    /** Starts a server; may throw anything, which then fails the scenario with its message. */
    @FunctionalInterface
    public interface Starter {
        ServerUnderTest start() throws Exception;
    }

    /** A fresh running server. */
    public ServerUnderTest start() throws Exception {
        return starter.start();
    }

    @Override
    public String toString() {
        return name;
    }
}
