package dev.gear.server;

import dev.gear.BaseClient;
import dev.gear.internal.transport.ConnectionLimits;
import dev.gear.internal.transport.SocketSettings;
import dev.gear.internal.transport.TlsSettings;
import java.time.Duration;

/**
 * The defaults of {@link Server.Builder}, each written once: the builder starts from them and
 * {@code geard}'s {@code --help} shows them.
 */
public final class ServerDefaults {
    /** Default of {@link Server.Builder#maxConnections(int)}. */
    public static final int MAX_CONNECTIONS = 10_000;
    /** Default of {@link Server.Builder#incompleteFrameTimeout(Duration)}. */
    public static final Duration INCOMPLETE_FRAME_TIMEOUT = Duration.ofSeconds(60);
    /** Default of {@link Server.Builder#port(int)}: Gearman's port. */
    public static final int PORT = BaseClient.DEFAULT_PORT;
    /** Default of {@link Server.Builder#backlog(int)}. */
    public static final int BACKLOG = 1024;
    /** Default of {@link Server.Builder#maxUniqueLength(int)}, as gearmand's. */
    public static final int MAX_UNIQUE_LENGTH = 64;
    /** Default of {@link Server.Builder#maxPacketSize(long)}: 64 MiB. */
    public static final long MAX_PACKET_SIZE = ConnectionLimits.DEFAULTS.maxPacketSize();
    /** Default of {@link Server.Builder#maxAdminLineLength(int)}: 8 KiB. */
    public static final int MAX_ADMIN_LINE_LENGTH = ConnectionLimits.DEFAULTS.maxLineLength();
    /** Default of {@link Server.Builder#maxQueuedOutput(long)}: 256 MiB. */
    public static final long MAX_QUEUED_OUTPUT = ConnectionLimits.DEFAULTS.maxQueuedOutput();
    /** Default of {@link Server.Builder#keepaliveIdle(Duration)}, gear's. */
    public static final Duration KEEPALIVE_IDLE = SocketSettings.DEFAULTS.keepaliveIdle();
    /** Default of {@link Server.Builder#keepaliveInterval(Duration)}, gear's. */
    public static final Duration KEEPALIVE_INTERVAL = SocketSettings.DEFAULTS.keepaliveInterval();
    /** Default of {@link Server.Builder#keepaliveCount(int)}, gear's. */
    public static final int KEEPALIVE_COUNT = SocketSettings.DEFAULTS.keepaliveCount();
    /** Default of {@link Server.Builder#tlsHandshakeTimeout(Duration)}. */
    public static final Duration TLS_HANDSHAKE_TIMEOUT = TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT;

    private ServerDefaults() {
    }
}
