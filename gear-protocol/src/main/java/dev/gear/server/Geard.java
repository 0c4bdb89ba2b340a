package dev.gear.server;

import dev.gear.GearmanException;
import dev.gear.internal.server.StatsdReporter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 */
public final class Geard {
    /** Exit status for bad usage, as Python's argparse uses. */
    public static final int USAGE_ERROR = 2;

    private static final String USAGE = "usage: geard [-h] [-d] [-p PORT] [--listen-address ADDR] [--log-config FILE]\n"
            + "             [--pidfile PATH] [--ssl-ca PATH] [--ssl-cert PATH] [--ssl-key PATH]\n"
            + "             [--acl PATH] [--keepalive] [--keepalive-idle N] [--keepalive-interval N]\n"
            + "             [--keepalive-count N] [--version]\n";

    private static final String HELP = USAGE + "\n"
            + "Gearman job server (gear for Java).\n\n"
            + "options:\n"
            + "  -h, --help            show this help message and exit\n"
            + "  -d                    do not run as a daemon. Required: a JVM cannot daemonize itself, so\n"
            + "                        run geard -d in the foreground under a supervisor (systemd, runit,\n"
            + "                        a container); without -d geard exits with status 2\n"
            + "  -p PORT               port to listen on (default 4730; 0 picks a free port)\n"
            + "  --listen-address ADDR address to listen on, IPv4 or IPv6; may be repeated\n"
            + "                        (default: every local address)\n"
            + "  --log-config FILE     a java.util.Properties file of slf4j-simple settings, for example\n"
            + "                        org.slf4j.simpleLogger.defaultLogLevel=debug\n"
            + "                        org.slf4j.simpleLogger.logFile=/var/log/geard.log\n"
            + "                        (default: INFO and above to stderr)\n"
            + "  --pidfile PATH        write the process id to PATH once listening; removed on exit\n"
            + "                        (default: no pid file)\n"
            + "  --ssl-ca PATH         CA certificate, PEM: clients must present a certificate it signed\n"
            + "  --ssl-cert PATH       server certificate, PEM\n"
            + "  --ssl-key PATH        server private key, PEM (PKCS#8; other encodings need BouncyCastle)\n"
            + "                        TLS (1.3/1.2) is on when all three --ssl-* options are given\n"
            + "  --acl PATH            access control list file (INI: one [subject] per certificate CN,\n"
            + "                        register=<regex>, invoke=<regex>, grant=<boolean>)\n"
            + "  --keepalive           enable TCP keepalives on accepted connections\n"
            + "  --keepalive-idle N    seconds idle before the first keepalive probe (default 7200)\n"
            + "  --keepalive-interval N\n"
            + "                        seconds between keepalive probes (default 75)\n"
            + "  --keepalive-count N   unanswered probes before the connection is dropped (default 9)\n"
            + "  --version             show the version and exit\n\n"
            + "Statistics go to statsd when STATSD_HOST is set (STATSD_PORT, default 8125;\n"
            + "STATSD_PREFIX, optional).\n\n"
            + "SIGTERM and SIGINT stop the server and exit with status 0; so does the admin command\n"
            + "'shutdown' ('shutdown graceful' first waits for running jobs).\n";

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
        Options options;
        try {
            options = Options.parse(args);
        } catch (UsageException e) {
            err.print(USAGE);
            err.println("geard: error: " + e.getMessage());
            return new Invocation(USAGE_ERROR, null, null);
        }
        if (options.help) {
            out.print(HELP);
            return new Invocation(0, null, null);
        }
        if (options.version) {
            out.println("Gear version: " + Server.version());
            return new Invocation(0, null, null);
        }
        int sslOptions = (options.sslKey != null ? 1 : 0) + (options.sslCert != null ? 1 : 0)
                + (options.sslCa != null ? 1 : 0);
        if (sslOptions != 0 && sslOptions != 3) {
            err.print(USAGE);
            err.println("geard: error: --ssl-key, --ssl-cert and --ssl-ca must be given together (TLS needs all"
                    + " three); refusing to start without TLS");
            return new Invocation(USAGE_ERROR, null, null);
        }
        if (!options.foreground) {
            err.println("geard: error: daemon mode is not supported on the JVM; run 'geard -d' in the foreground"
                    + " under a supervisor (systemd, runit, a container)");
            return new Invocation(USAGE_ERROR, null, null);
        }
        if (options.logConfig != null) {
            try {
                applyLogConfig(options.logConfig);
            } catch (UsageException e) {
                err.println("geard: error: " + e.getMessage());
                return new Invocation(USAGE_ERROR, null, null);
            }
        }
        Server.Builder builder = Server.builder().port(options.port).keepalive(options.keepalive)
                .keepaliveIdle(Duration.ofSeconds(options.keepaliveIdle))
                .keepaliveInterval(Duration.ofSeconds(options.keepaliveInterval))
                .keepaliveCount(options.keepaliveCount);
        options.listenAddresses.forEach(builder::listenAddress);
        Server server;
        try {
            if (sslOptions == 3) {
                builder.tls(options.sslKey, options.sslCert, options.sslCa);
            }
            if (options.acl != null) {
                builder.acl(AclFile.read(options.acl));
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

    private static void applyLogConfig(Path file) throws UsageException {
        Properties settings = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            settings.load(in);
        } catch (IOException e) {
            throw new UsageException("cannot read --log-config " + file + ": " + e);
        }
        for (String key : settings.stringPropertyNames()) {
            if (!key.startsWith("org.slf4j.simpleLogger.")) {
                throw new UsageException("--log-config " + file + ": unknown key '" + key
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

    private static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The parsed command line. */
    private static final class Options {
        boolean help;
        boolean version;
        boolean foreground;
        int port = 4730;
        final List<String> listenAddresses = new ArrayList<>();
        Path logConfig;
        Path pidfile;
        Path sslKey;
        Path sslCert;
        Path sslCa;
        Path acl;
        boolean keepalive;
        long keepaliveIdle = 7200;
        long keepaliveInterval = 75;
        int keepaliveCount = 9;

        static Options parse(String[] args) throws UsageException {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String name = arg;
                String inline = null;
                if (arg.startsWith("--") && arg.contains("=")) {
                    name = arg.substring(0, arg.indexOf('='));
                    inline = arg.substring(arg.indexOf('=') + 1);
                } else if (arg.startsWith("-p") && arg.length() > 2 && !arg.startsWith("--")) {
                    name = "-p";
                    inline = arg.substring(2);
                }
                switch (name) {
                    case "-h":
                    case "--help":
                        o.help = true;
                        break;
                    case "--version":
                        o.version = true;
                        break;
                    case "-d":
                        o.foreground = true;
                        break;
                    case "--keepalive":
                        o.keepalive = true;
                        break;
                    default:
                        if (!takesValue(name)) {
                            throw new UsageException("unrecognized argument: " + arg);
                        }
                        String value = inline;
                        if (value == null) {
                            if (i + 1 >= args.length) {
                                throw new UsageException("argument " + name + ": expected one argument");
                            }
                            value = args[++i];
                        }
                        o.set(name, value);
                }
            }
            return o;
        }

        private static boolean takesValue(String name) {
            switch (name) {
                case "-p":
                case "--listen-address":
                case "--log-config":
                case "--pidfile":
                case "--ssl-ca":
                case "--ssl-cert":
                case "--ssl-key":
                case "--acl":
                case "--keepalive-idle":
                case "--keepalive-interval":
                case "--keepalive-count":
                    return true;
                default:
                    return false;
            }
        }

        private void set(String name, String value) throws UsageException {
            switch (name) {
                case "-p":
                    port = (int) number(name, value, 0, 65535);
                    break;
                case "--listen-address":
                    if (value.isBlank()) {
                        throw new UsageException("argument --listen-address: must not be empty");
                    }
                    listenAddresses.add(value);
                    break;
                case "--log-config":
                    logConfig = Path.of(value);
                    break;
                case "--pidfile":
                    pidfile = Path.of(value);
                    break;
                case "--keepalive-idle":
                    keepaliveIdle = number(name, value, 1, Integer.MAX_VALUE);
                    break;
                case "--keepalive-interval":
                    keepaliveInterval = number(name, value, 1, Integer.MAX_VALUE);
                    break;
                case "--keepalive-count":
                    keepaliveCount = (int) number(name, value, 1, Integer.MAX_VALUE);
                    break;
                case "--ssl-key":
                    sslKey = Path.of(value);
                    break;
                case "--ssl-cert":
                    sslCert = Path.of(value);
                    break;
                case "--ssl-ca":
                    sslCa = Path.of(value);
                    break;
                case "--acl":
                    acl = Path.of(value);
                    break;
                default:
                    throw new UsageException("unrecognized argument: " + name);
            }
        }

        private static long number(String name, String value, long min, long max) throws UsageException {
            try {
                long n = Long.parseLong(value.trim());
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageException("argument " + name + ": expected an integer from " + min + " to " + max
                    + ", got '" + value + "'");
        }
    }
}
