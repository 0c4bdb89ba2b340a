package dev.gear.it.support;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Starts one kind of {@link ServerUnderTest}, fresh for each scenario. This is what parameterized
 * tests receive from {@link ServersUnderTest}: starting a server is cheap (gearmand: about 80 ms,
 * our embedded server: a few ms, geard: a JVM start), and a fresh server per scenario means no job,
 * function or handle counter leaks between them.
 *
 * @param kind        which implementation
 * @param name        shown in test names
 * @param form        how it runs: inside the test JVM or as its own OS process
 * @param unavailable why it cannot run on this machine, or empty when it can
 * @param starter     starts and returns a server that already accepts connections
 */
public record ServerLauncher(ServerUnderTest.Kind kind, String name, Form form,
        Supplier<Optional<String>> unavailable, Starter starter) {

    /** Where a server runs. */
    public enum Form {
        /** Inside the test JVM (our {@code Server}, embedded as a library user embeds it). */
        EMBEDDED,
        /** A child process started from its command line, as an operator runs it. */
        CHILD_PROCESS
    }

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
