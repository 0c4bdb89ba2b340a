package dev.gear.it.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A Gearman server the client tests run against, started fresh per test. THE single place that
 * lists the servers: every parameterized client test runs once per entry of {@link #all()}.
 */
abstract class TestServer implements AutoCloseable {
    /** The kinds of server under test. */
    enum Kind {
        GEARMAND,
        /** Our own {@code dev.gear.server.Server}. */
        GEAR
    }

    abstract Kind kind();

    abstract int port();

    /** Stops the server, keeping its port for {@link #restart()}. */
    abstract void stop();

    /** Starts it again on the same port. */
    abstract void restart();

    @Override
    public abstract void close();

    /** The servers every parameterized test runs against. */
    static List<Kind> all() {
        List<Kind> kinds = new ArrayList<>();
        kinds.add(Kind.GEARMAND);
        // TODO(server): add Kind.GEAR here once dev.gear.server.Server is on main.
        return kinds;
    }

    static TestServer start(Kind kind) {
        switch (kind) {
            case GEARMAND:
                return Gearmand.startNew();
            default:
                throw new IllegalArgumentException("no test server for " + kind);
        }
    }

    @Override
    public String toString() {
        return kind().toString();
    }

    private static final class Gearmand extends TestServer {
        private final LocalGearmand process;

        private Gearmand(LocalGearmand process) {
            this.process = process;
        }

        static Gearmand startNew() {
            try {
                return new Gearmand(LocalGearmand.start());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        Kind kind() {
            return Kind.GEARMAND;
        }

        @Override
        int port() {
            return process.port();
        }

        @Override
        void stop() {
            process.stop();
        }

        @Override
        void restart() {
            try {
                process.launch();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            process.close();
        }
    }
}
