package dev.gear.geard;

import dev.gear.GearmanException;
import dev.gear.internal.server.StatsdReporter;
import dev.gear.server.AclFile;
import dev.gear.server.QueueStoreConfig;
import dev.gear.server.Server;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code geard}, gear's Gearman server command, on the JVM: {@code java -jar geard.jar -d -p 4730}.
 *
 * <p>Flags are gear's. Two deliberate differences, both explained by {@code --help}: there is no
 * daemon mode (a JVM cannot fork; run with {@code -d} under a supervisor), and {@code --log-config}
 * takes slf4j-simple settings instead of a Python logging file. TLS needs all three of
 * {@code --ssl-key}, {@code --ssl-cert} and {@code --ssl-ca} (one or two of them is an error, where
 * gear silently serves plain TCP); a missing {@code --acl} file is an error (gear silently denies
 * everything). statsd is configured by {@code STATSD_HOST}, {@code STATSD_PORT}, {@code STATSD_PREFIX}.
 *
 * <p>Beyond gear's flags, the server's limits ({@code docs/server.md}, "Limits") have flags of their
 * own: {@code --max-connections}, {@code --max-packet-size}, {@code --max-admin-line-length},
 * {@code --max-queued-output}, {@code --max-unique-length}, {@code --incomplete-frame-timeout},
 * {@code --ssl-handshake-timeout} and gearmand's {@code -b}/{@code --backlog}. Sizes take binary
 * units ({@code 64M}), durations take {@code ms}, {@code s}, {@code m}, {@code h} (seconds without).
 */
public final class Geard {
    /** Exit status for bad usage, as Python's argparse uses. */
    public static final int USAGE_ERROR = 2;

    private Geard() {
    }

    /** Entry point of {@code geard.jar}: runs until SIGTERM, SIGINT or the {@code shutdown} admin command. */
    public static void main(String[] args) {
        Invocation invocation = run(args, System.out, System.err);
        Optional<Server> server = invocation.server();
        if (server.isEmpty()) {
            System.exit(invocation.exitCode());
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            invocation.close();
            // A signal would otherwise end the JVM with 128+signal; stopping cleanly is success.
            Runtime.getRuntime().halt(0);
        }, "geard-shutdown"));
        server.get().terminated().join();
        invocation.close();
        System.exit(0);
    }

    /**
     * Parses {@code args} and, unless they ask only for help or version or are wrong, starts a
     * server. Nothing here calls {@code System.exit}; {@link #main} does.
     *
     * @param out where help and version go
     * @param err where errors go
     * @return the running server, or the exit status when none was started
     */
    public static Invocation run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System.getenv());
    }

    /** Like {@link #run(String[], PrintStream, PrintStream)} with {@code env} in place of the environment ({@code STATSD_*}). */
    public static Invocation run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        CommandLine options;
        try {
            options = Flags.parse(Flags.TABLE, args);
        } catch (IllegalArgumentException e) {
            // The flags' messages ("argument -p: ...") and, should the two ever disagree, the builder's.
            return usageError(err, e.getMessage());
        }
        if (options.help) {
            out.print(Flags.HELP);
            return new Invocation(0, null, null);
        }
        if (options.version) {
            out.println("Gear version: " + Server.version());
            return new Invocation(0, null, null);
        }
        int sslOptions = options.tlsFiles();
        if (sslOptions != 0 && sslOptions != 3) {
            return usageError(err, "--ssl-key, --ssl-cert and --ssl-ca must be given together (TLS needs all"
                    + " three); refusing to start without TLS");
        }
        if (options.tlsHandshakeTimeoutGiven && sslOptions == 0) {
            return usageError(err, "--ssl-handshake-timeout needs TLS (--ssl-key, --ssl-cert and --ssl-ca)");
        }
        QueueStoreConfig queueStore;
        try {
            queueStore = options.queueStore();
        } catch (IllegalArgumentException | GearmanException e) {
            return usageError(err, e.getMessage());
        }
        if (!options.foreground) {
            err.println("geard: error: daemon mode is not supported on the JVM; run 'geard -d' in the foreground"
                    + " under a supervisor (systemd, runit, a container)");
            return new Invocation(USAGE_ERROR, null, null);
        }
        if (options.logConfig != null) {
            try {
                applyLogConfig(options.logConfig);
            } catch (IllegalArgumentException e) {
                err.println("geard: error: " + e.getMessage());
                return new Invocation(USAGE_ERROR, null, null);
            }
        }
        Server.Builder builder = options.server;
        Server server;
        try {
            if (sslOptions == 3) {
                builder.tls(options.sslKey, options.sslCert, options.sslCa);
            }
            if (options.acl != null) {
                builder.acl(AclFile.read(options.acl));
            }
            if (queueStore != null) {
                builder.queueStore(queueStore);
            }
            Optional<StatsdReporter> statsd = StatsdReporter.fromEnvironment(env);
            if (statsd.isPresent()) {
                // Validated here (port, host); the server makes its own reporter from the same values.
                StatsdReporter probe = statsd.get();
                builder.statsd(probe.target().getAddress().getHostAddress(), probe.target().getPort(),
                        env.get("STATSD_PREFIX"));
                probe.close();
            }
            server = builder.build().start();
        } catch (GearmanException e) {
            err.println("geard: error: " + e.getMessage());
            return new Invocation(1, null, null);
        }
        Logger log = LoggerFactory.getLogger(Geard.class); // only now: --log-config must come first
        for (InetSocketAddress a : server.addresses()) {
            String host = a.getAddress() instanceof Inet6Address ? "[" + a.getHostString() + "]" : a.getHostString();
            log.info("geard listening on {}:{}", host, a.getPort());
        }
        if (options.pidfile != null) {
            try {
                Files.writeString(options.pidfile, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
            } catch (IOException e) {
                server.close();
                err.println("geard: error: cannot write pid file " + options.pidfile + ": " + e);
                return new Invocation(1, null, null);
            }
        }
        return new Invocation(0, server, options.pidfile);
    }

    private static Invocation usageError(PrintStream err, String message) {
        err.print(Flags.USAGE);
        err.println("geard: error: " + message);
        return new Invocation(USAGE_ERROR, null, null);
    }

    private static void applyLogConfig(Path file) {
        Properties settings = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            settings.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --log-config " + file + ": " + e);
        }
        for (String key : settings.stringPropertyNames()) {
            if (!key.startsWith("org.slf4j.simpleLogger.")) {
                throw new IllegalArgumentException("--log-config " + file + ": unknown key '" + key
                        + "'; only slf4j-simple settings (org.slf4j.simpleLogger.*) are understood");
            }
        }
        // slf4j-simple reads these system properties when the first logger is made, which is after this.
        settings.stringPropertyNames().forEach(k -> System.setProperty(k, settings.getProperty(k)));
    }

    /** What {@link #run} did: started a server, or stopped with an exit status. */
    public static final class Invocation implements AutoCloseable {
        private final int exitCode;
        private final Server server;
        private final Path pidfile;

        private Invocation(int exitCode, Server server, Path pidfile) {
            this.exitCode = exitCode;
            this.server = server;
            this.pidfile = pidfile;
        }

        /** 0 for success (help, version, or a started server), 2 for bad usage, 1 when the server could not start. */
        public int exitCode() {
            return exitCode;
        }

        /** The running server, when one was started. */
        public Optional<Server> server() {
            return Optional.ofNullable(server);
        }

        /** Stops the server and removes the pid file. Idempotent. */
        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
            if (pidfile != null) {
                try {
                    Files.deleteIfExists(pidfile);
                } catch (IOException e) {
                    // the process is ending; a stale pid file is all that is left
                }
            }
        }
    }
}
