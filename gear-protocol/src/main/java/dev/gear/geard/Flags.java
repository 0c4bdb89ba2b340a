package dev.gear.geard;

import static dev.gear.geard.Flag.toggle;
import static dev.gear.geard.Flag.value;

import dev.gear.server.QueueStores;
import dev.gear.server.Server;
import dev.gear.server.ServerDefaults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * geard's flags, one {@link Flag} row each, and everything made from the table: the usage line,
 * {@code --help} and the parser. A new flag is one row; its default is the server's constant
 * ({@link Server.Builder}{@code .DEFAULT_*}), referenced, never repeated.
 */
final class Flags {
    private static final int INT_MAX = Integer.MAX_VALUE;
    /** Where help text starts, as argparse lays it out. */
    private static final int HELP_COLUMN = 24;
    private static final int WIDTH = 100;
    private static final String USAGE_PREFIX = "usage: geard ";

    /** Every flag, in the order usage and help list them. */
    static final List<Flag> TABLE = List.of(
            toggle(List.of("-h", "--help"), "show this help message and exit", l -> l.help = true),
            toggle(List.of("-d"), "do not run as a daemon. Required: a JVM cannot daemonize itself, so run geard -d"
                    + " in the foreground under a supervisor (systemd, runit, a container); without -d geard exits"
                    + " with status 2", l -> l.foreground = true),
            value(List.of("-p"), "PORT", "port to listen on (default " + ServerDefaults.PORT
                    + "; 0 picks a free port)", (l, f, v) -> l.server.port(integer(f, v, 0, 65535))),
            value(List.of("--listen-address"), "ADDR", "address to listen on, IPv4 or IPv6; may be repeated"
                    + " (default: every local address)", (l, f, v) -> {
                        if (v.isBlank()) {
                            throw new IllegalArgumentException("argument " + f + ": must not be empty");
                        }
                        l.server.listenAddress(v);
                    }),
            value(List.of("--log-config"), "FILE", "a java.util.Properties file of slf4j-simple settings, for"
                    + " example\norg.slf4j.simpleLogger.defaultLogLevel=debug\n"
                    + "org.slf4j.simpleLogger.logFile=/var/log/geard.log\n(default: INFO and above to stderr)",
                    (l, f, v) -> l.logConfig = Path.of(v)),
            value(List.of("--pidfile"), "PATH", "write the process id to PATH once listening; removed on exit"
                    + " (default: no pid file)", (l, f, v) -> l.pidfile = Path.of(v)),
            value(List.of("--ssl-ca"), "PATH", "CA certificate, PEM: clients must present a certificate it signed",
                    (l, f, v) -> l.sslCa = Path.of(v)),
            value(List.of("--ssl-cert"), "PATH", "server certificate, PEM", (l, f, v) -> l.sslCert = Path.of(v)),
            value(List.of("--ssl-key"), "PATH", "server private key, PEM (PKCS#8; other encodings need"
                    + " BouncyCastle)\nTLS (1.3/1.2) is on when all three --ssl-* options are given",
                    (l, f, v) -> l.sslKey = Path.of(v)),
            value(List.of("--acl"), "PATH", "access control list file (INI: one [subject] per certificate CN,"
                    + " register=<regex>, invoke=<regex>, grant=<boolean>)", (l, f, v) -> l.acl = Path.of(v)),
            toggle(List.of("--keepalive"), "enable TCP keepalives on accepted connections",
                    l -> l.server.keepalive(true)),
            value(List.of("--keepalive-idle"), "N", "seconds idle before the first keepalive probe (default "
                    + ServerDefaults.KEEPALIVE_IDLE.toSeconds() + ")",
                    (l, f, v) -> l.server.keepaliveIdle(Duration.ofSeconds(integer(f, v, 1, INT_MAX)))),
            value(List.of("--keepalive-interval"), "N", "seconds between keepalive probes (default "
                    + ServerDefaults.KEEPALIVE_INTERVAL.toSeconds() + ")",
                    (l, f, v) -> l.server.keepaliveInterval(Duration.ofSeconds(integer(f, v, 1, INT_MAX)))),
            value(List.of("--keepalive-count"), "N", "unanswered probes before the connection is dropped (default "
                    + ServerDefaults.KEEPALIVE_COUNT + ")",
                    (l, f, v) -> l.server.keepaliveCount(integer(f, v, 1, INT_MAX))),
            value(List.of("--max-connections"), "N", "most connections open at once; beyond it a new connection is"
                    + " closed at once (default " + ServerDefaults.MAX_CONNECTIONS + "; 0: no limit). Keep"
                    + " it below ulimit -n", (l, f, v) -> l.server.maxConnections(integer(f, v, 0, INT_MAX))),
            value(List.of("--max-packet-size"), "SIZE", "largest packet body accepted; a larger one gets ERROR"
                    + " ARGUMENT_TOO_LARGE and the connection is closed (default "
                    + FlagValues.formatSize(ServerDefaults.MAX_PACKET_SIZE) + ")",
                    (l, f, v) -> l.server.maxPacketSize(FlagValues.size(f, v, 0, INT_MAX - 16))),
            value(List.of("--max-admin-line-length"), "SIZE", "longest admin text line accepted (default "
                    + FlagValues.formatSize(ServerDefaults.MAX_ADMIN_LINE_LENGTH) + "; at least 16)",
                    (l, f, v) -> l.server.maxAdminLineLength((int) FlagValues.size(f, v, 16, INT_MAX))),
            value(List.of("--max-queued-output"), "SIZE", "output queued for one connection before it is closed"
                    + " as a slow reader (default " + FlagValues.formatSize(ServerDefaults.MAX_QUEUED_OUTPUT)
                    + "; at least 1K)", (l, f, v) -> l.server.maxQueuedOutput(FlagValues.size(f, v, 1024, Long.MAX_VALUE))),
            value(List.of("--max-unique-length"), "SIZE", "longest unique id accepted (default "
                    + ServerDefaults.MAX_UNIQUE_LENGTH + ", as gearmand)",
                    (l, f, v) -> l.server.maxUniqueLength((int) FlagValues.size(f, v, 0, INT_MAX))),
            value(List.of("--incomplete-frame-timeout"), "DURATION", "how long a peer may leave a packet or admin"
                    + " line unfinished before it is closed (default "
                    + ServerDefaults.INCOMPLETE_FRAME_TIMEOUT.toSeconds() + "s; 0: no limit); connections"
                    + " idle between frames are never closed",
                    (l, f, v) -> l.server.incompleteFrameTimeout(FlagValues.duration(f, v, true))),
            value(List.of("--ssl-handshake-timeout"), "DURATION", "a TLS handshake not finished by then drops the"
                    + " connection (default " + ServerDefaults.TLS_HANDSHAKE_TIMEOUT.toSeconds()
                    + "s; needs the three --ssl-* options)", (l, f, v) -> {
                        l.server.tlsHandshakeTimeout(FlagValues.duration(f, v, false));
                        l.tlsHandshakeTimeoutGiven = true;
                    }),
            value(List.of("-b", "--backlog"), "N", "listen backlog, as gearmand's (default "
                    + ServerDefaults.BACKLOG + ")", (l, f, v) -> l.server.backlog(integer(f, v, 1, INT_MAX))),
            toggle(List.of("--allow-admin-shutdown"), "let the admin commands 'shutdown' and 'shutdown graceful'"
                    + " stop the server (default: refused, so that no peer that can merely connect stops it; with"
                    + " --acl the peer also needs grant permission)", l -> l.server.adminShutdown(true)),
            value(List.of("-q", "--queue-type"), "TYPE", "keep background jobs across restarts, as gearmand:"
                    + " libsqlite3 (with --libsqlite3-db) or Postgres (with --libpq-conninfo); JOB_CREATED is sent"
                    + " once a job's row is durable (default: none, jobs in memory only)",
                    (l, f, v) -> l.queueType = FlagValues.queueType(f, v)),
            value(List.of("--libsqlite3-db"), "FILE", "the SQLite database file of -q libsqlite3 (created when"
                    + " absent)", (l, f, v) -> l.sqliteDb = Path.of(v)),
            value(List.of("--libsqlite3-table"), "NAME", "its table (default "
                    + QueueStores.SQLITE_DEFAULT_TABLE + ")", (l, f, v) -> l.sqliteTable = v),
            value(List.of("--libpq-conninfo"), "INFO", "the libpq connection string of -q Postgres, e.g."
                    + " 'host=127.0.0.1 port=5432 dbname=gearman user=gearman'",
                    (l, f, v) -> l.pgConninfo = v),
            value(List.of("--libpq-table"), "NAME", "its table (default " + QueueStores.POSTGRES_DEFAULT_TABLE
                    + ")", (l, f, v) -> l.pgTable = v),
            toggle(List.of("--version"), "show the version and exit", l -> l.version = true));

    /** What {@code --help} prints after the flags. */
    private static final String EPILOG = "SIZE is a whole number of bytes, optionally with K, M or G (1K = 1024"
            + " bytes; KiB, MiB,\nGiB too): 65536, 64K, 64M. DURATION is a whole number with ms, s, m or h: 500ms,"
            + " 30s, 5m;\nwithout a unit, seconds.\n\n"
            + "Statistics go to statsd when STATSD_HOST is set (STATSD_PORT, default 8125;\n"
            + "STATSD_PREFIX, optional).\n\n"
            + "SIGTERM and SIGINT stop the server and exit with status 0; so does the admin command\n"
            + "'shutdown' with --allow-admin-shutdown ('shutdown graceful' first waits for running jobs).\n";

    static final String USAGE = usage(TABLE);
    static final String HELP = USAGE + "\nGearman job server (gear for Java).\n\noptions:\n" + options(TABLE) + "\n"
            + EPILOG;

    private Flags() {
    }

    /**
     * Reads {@code args} into a {@link CommandLine}: {@code --name VALUE}, {@code --name=VALUE} and,
     * for one-letter flags, {@code -xVALUE}.
     *
     * @throws IllegalArgumentException with the message geard prints after {@code geard: error: }
     */
    static CommandLine parse(List<Flag> table, String[] args) {
        CommandLine line = new CommandLine();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String inline = null;
            if (arg.startsWith("--") && arg.contains("=")) {
                name = arg.substring(0, arg.indexOf('='));
                inline = arg.substring(arg.indexOf('=') + 1);
            } else if (!arg.startsWith("--") && arg.startsWith("-") && arg.length() > 2
                    && takesValue(find(table, arg.substring(0, 2)))) {
                name = arg.substring(0, 2);
                inline = arg.substring(2);
            }
            Flag flag = find(table, name);
            if (flag == null) {
                throw new IllegalArgumentException("unrecognized argument: " + arg);
            }
            String value = null;
            if (flag.takesValue()) {
                value = inline;
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("argument " + name + ": expected one argument");
                    }
                    value = args[++i];
                }
            } else if (inline != null) {
                // --keepalive=false must not quietly turn keepalive on.
                throw new IllegalArgumentException("argument " + name + ": ignored explicit argument '" + inline + "'");
            }
            flag.action().apply(line, name, value);
        }
        return line;
    }

    private static boolean takesValue(Flag flag) {
        return flag != null && flag.takesValue();
    }

    private static Flag find(List<Flag> table, String name) {
        for (Flag f : table) {
            if (f.names().contains(name)) {
                return f;
            }
        }
        return null;
    }

    /** argparse's usage line: every flag in brackets, wrapped under the program name. */
    static String usage(List<Flag> table) {
        StringBuilder out = new StringBuilder(USAGE_PREFIX);
        int column = USAGE_PREFIX.length();
        boolean first = true;
        for (Flag f : table) {
            String item = f.usage();
            if (!first && column + 1 + item.length() > WIDTH) {
                out.append('\n').append(" ".repeat(USAGE_PREFIX.length()));
                column = USAGE_PREFIX.length();
                first = true;
            }
            if (!first) {
                out.append(' ');
                column++;
            }
            out.append(item);
            column += item.length();
            first = false;
        }
        return out.append('\n').toString();
    }

    /** argparse's option list: the label, then the help from {@link #HELP_COLUMN}, wrapped. */
    static String options(List<Flag> table) {
        StringBuilder out = new StringBuilder();
        for (Flag f : table) {
            String label = "  " + f.label();
            out.append(label);
            if (label.length() + 1 > HELP_COLUMN) {
                out.append('\n').append(" ".repeat(HELP_COLUMN));
            } else {
                out.append(" ".repeat(HELP_COLUMN - label.length()));
            }
            List<String> lines = wrap(f.help(), WIDTH - HELP_COLUMN);
            out.append(String.join("\n" + " ".repeat(HELP_COLUMN), lines)).append('\n');
        }
        return out.toString();
    }

    /** Splits {@code text} at its newlines, then wraps each part at spaces to at most {@code width} columns. */
    static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        for (String paragraph : text.split("\n", -1)) {
            StringBuilder line = new StringBuilder();
            for (String word : paragraph.split(" ")) {
                if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                if (line.length() > 0) {
                    line.append(' ');
                }
                line.append(word);
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private static int integer(String flag, String value, long min, long max) {
        return (int) FlagValues.integer(flag, value, min, max);
    }
}
