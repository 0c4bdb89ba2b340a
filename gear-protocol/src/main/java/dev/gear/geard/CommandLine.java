package dev.gear.geard;

import dev.gear.server.Server;
import java.nio.file.Path;

/**
 * What geard's arguments said, filled in by the {@link Flags#TABLE} rows while they are read. The
 * server's options go straight into {@link #server}, so an option nobody gave keeps the
 * builder's default: geard repeats none of them. The rest are what geard itself acts on.
 */
final class CommandLine {
    final Server.Builder server = Server.builder();
    boolean help;
    boolean version;
    boolean foreground;
    Path logConfig;
    Path pidfile;
    Path sslKey;
    Path sslCert;
    Path sslCa;
    Path acl;
    /** Whether {@code --ssl-handshake-timeout} was given: without TLS it is refused, not ignored. */
    boolean tlsHandshakeTimeoutGiven;

    /** How many of {@code --ssl-key}, {@code --ssl-cert} and {@code --ssl-ca} were given (TLS needs all three). */
    int tlsFiles() {
        return (sslKey != null ? 1 : 0) + (sslCert != null ? 1 : 0) + (sslCa != null ? 1 : 0);
    }
}
