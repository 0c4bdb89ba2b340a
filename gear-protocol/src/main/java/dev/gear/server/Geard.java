package dev.gear.server;

import dev.gear.GearmanException;
import dev.gear.internal.server.FlagValues;
import dev.gear.internal.server.StatsdReporter;
import dev.gear.internal.transport.ConnectionLimits;
import dev.gear.internal.transport.TlsSettings;
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
import java.util.function.Consumer;
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

    private static final String USAGE = "usage: geard [-h] [-d] [-p PORT] [--listen-address ADDR] [--log-config FILE]\n"
            + "             [--pidfile PATH] [--ssl-ca PATH] [--ssl-cert PATH] [--ssl-key PATH]\n"
            + "             [--acl PATH] [--keepalive] [--keepalive-idle N] [--keepalive-interval N]\n"
            + "             [--keepalive-count N] [--max-connections N] [--max-packet-size SIZE]\n"
            + "             [--max-admin-line-length SIZE] [--max-queued-output SIZE]\n"
            + "             [--max-unique-length SIZE] [--incomplete-frame-timeout DURATION]\n"
            + "             [--ssl-handshake-timeout DURATION] [-b N] [--version]\n";

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
            + "  --max-connections N   most connections open at once; beyond it a new connection is closed\n"
            + "                        at once (default " + Server.Builder.DEFAULT_MAX_CONNECTIONS + "; 0: no limit). Keep it below"
            + " ulimit -n\n"
            + "  --max-packet-size SIZE\n"
            + "                        largest packet body accepted; a larger one gets ERROR\n"
            + "                        ARGUMENT_TOO_LARGE and the connection is closed (default "
            + FlagValues.formatSize(ConnectionLimits.DEFAULTS.maxPacketSize()) + ")\n"
            + "  --max-admin-line-length SIZE\n"
            + "                        longest admin text line accepted (default "
            + FlagValues.formatSize(ConnectionLimits.DEFAULTS.maxLineLength()) + "; at least 16)\n"
            + "  --max-queued-output SIZE\n"
            + "                        output queued for one connection before it is closed as a slow\n"
            + "                        reader (default " + FlagValues.formatSize(ConnectionLimits.DEFAULTS.maxQueuedOutput())
            + "; at least 1K)\n"
            + "  --max-unique-length SIZE\n"
            + "                        longest unique id accepted (default 64, as gearmand)\n"
            + "  --incomplete-frame-timeout DURATION\n"
            + "                        how long a peer may leave a packet or admin line unfinished before\n"
            + "                        it is closed (default " + Server.Builder.DEFAULT_INCOMPLETE_FRAME_TIMEOUT.toSeconds()
            + "s; 0: no limit); connections idle\n"
            + "                        between frames are never closed\n"
            + "  --ssl-handshake-timeout DURATION\n"
            + "                        a TLS handshake not finished by then drops the connection\n"
            + "                        (default " + TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT.toSeconds()
            + "s; needs the three --ssl-* options)\n"
            + "  -b N, --backlog N     listen backlog, as gearmand's (default 1024)\n"
            + "  --version             show the version and exit\n\n"
            + "SIZE is a whole number of bytes, optionally with K, M or G (1K = 1024 bytes; KiB, MiB,\n"
            + "GiB too): 65536, 64K, 64M. DURATION is a whole number with ms, s, m or h: 500ms, 30s, 5m;\n"
            + "without a unit, seconds.\n\n"
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
        if (options.sslHandshakeTimeout != null && sslOptions == 0) {
            err.print(USAGE);
            err.println("geard: error: --ssl-handshake-timeout needs TLS (--ssl-key, --ssl-cert and --ssl-ca)");
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
        Server.Builder builder;
        try {
            builder = options.builder();
        } catch (IllegalArgumentException e) {
            // The flags' ranges are the builder's; this is only reached if the two ever disagree.
            err.print(USAGE);
            err.println("geard: error: " + e.getMessage());
            return new Invocation(USAGE_ERROR, null, null);
        }
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
        // The limits: null keeps Server.Builder's default, so the defaults live in one place.
        Integer maxConnections;
        Long maxPacketSize;
        Integer maxAdminLineLength;
        Long maxQueuedOutput;
        Integer maxUniqueLength;
        Duration incompleteFrameTimeout;
        Duration sslHandshakeTimeout;
        Integer backlog;

        Server.Builder builder() {
            Server.Builder b = Server.builder().port(port).keepalive(keepalive)
                    .keepaliveIdle(Duration.ofSeconds(keepaliveIdle))
                    .keepaliveInterval(Duration.ofSeconds(keepaliveInterval))
                    .keepaliveCount(keepaliveCount);
            listenAddresses.forEach(b::listenAddress);
            ifSet(maxConnections, b::maxConnections);
            ifSet(maxPacketSize, b::maxPacketSize);
            ifSet(maxAdminLineLength, b::maxAdminLineLength);
            ifSet(maxQueuedOutput, b::maxQueuedOutput);
            ifSet(maxUniqueLength, b::maxUniqueLength);
            ifSet(incompleteFrameTimeout, b::incompleteFrameTimeout);
            ifSet(sslHandshakeTimeout, b::tlsHandshakeTimeout);
            ifSet(backlog, b::backlog);
            return b;
        }

        private static <T> void ifSet(T value, Consumer<T> option) {
            if (value != null) {
                option.accept(value);
            }
        }

        static Options parse(String[] args) throws UsageException {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String name = arg;
                String inline = null;
                if (arg.startsWith("--") && arg.contains("=")) {
                    name = arg.substring(0, arg.indexOf('='));
                    inline = arg.substring(arg.indexOf('=') + 1);
                } else if ((arg.startsWith("-p") || arg.startsWith("-b")) && arg.length() > 2) {
                    name = arg.substring(0, 2);
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
                        try {
                            o.set(name, value);
                        } catch (IllegalArgumentException e) { // FlagValues' message names the flag
                            throw new UsageException(e.getMessage());
                        }
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
                case "--max-connections":
                case "--max-packet-size":
                case "--max-admin-line-length":
                case "--max-queued-output":
                case "--max-unique-length":
                case "--incomplete-frame-timeout":
                case "--ssl-handshake-timeout":
                case "-b":
                case "--backlog":
                    return true;
                default:
                    return false;
            }
        }

        private void set(String name, String value) throws UsageException {
            switch (name) {
                case "-p":
                    port = (int) FlagValues.integer(name, value, 0, 65535);
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
                    keepaliveIdle = FlagValues.integer(name, value, 1, Integer.MAX_VALUE);
                    break;
                case "--keepalive-interval":
                    keepaliveInterval = FlagValues.integer(name, value, 1, Integer.MAX_VALUE);
                    break;
                case "--keepalive-count":
                    keepaliveCount = (int) FlagValues.integer(name, value, 1, Integer.MAX_VALUE);
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
                case "--max-connections":
                    maxConnections = (int) FlagValues.integer(name, value, 0, Integer.MAX_VALUE);
                    break;
                case "--max-packet-size":
                    maxPacketSize = FlagValues.size(name, value, 0, Integer.MAX_VALUE - 16);
                    break;
                case "--max-admin-line-length":
                    maxAdminLineLength = (int) FlagValues.size(name, value, 16, Integer.MAX_VALUE);
                    break;
                case "--max-queued-output":
                    maxQueuedOutput = FlagValues.size(name, value, 1024, Long.MAX_VALUE);
                    break;
                case "--max-unique-length":
                    maxUniqueLength = (int) FlagValues.size(name, value, 0, Integer.MAX_VALUE);
                    break;
                case "--incomplete-frame-timeout":
                    incompleteFrameTimeout = FlagValues.duration(name, value, true);
                    break;
                case "--ssl-handshake-timeout":
                    sslHandshakeTimeout = FlagValues.duration(name, value, false);
                    break;
                case "-b":
                case "--backlog":
                    backlog = (int) FlagValues.integer(name, value, 1, Integer.MAX_VALUE);
                    break;
                default:
                    throw new UsageException("unrecognized argument: " + name);
            }
        }
    }
}
