package dev.gear;

import dev.gear.internal.client.PoolSettings;
import dev.gear.internal.transport.ConnectionLimits;
import dev.gear.internal.transport.SocketSettings;
import java.time.Duration;
import java.util.Objects;

/** The connection options {@link Client.Builder} and {@link Worker.Builder} share. */
abstract class ConnectionOptions<B extends ConnectionOptions<B>> {
    private String clientId = "unknown";
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration backoffMin = Duration.ofMillis(100);
    private Duration backoffMax = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private SocketSettings socketSettings = SocketSettings.DEFAULTS;
    private boolean verifyHostname;
    private SharedIoThread ioThread;
    /**
     * Whether, without {@link #ioThread}, this runs on the JVM-wide I/O thread ({@link Client}'s
     * default) rather than on one of its own ({@link Worker}'s).
     */
    private boolean jvmWideIoThread;

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Sent with SET_CLIENT_ID on every (re)connect; shown by the {@code workers} admin command. */
    public B clientId(String id) {
        Objects.requireNonNull(id, "clientId");
        if (id.isEmpty() || id.chars().anyMatch(c -> c == 0 || c == ' ' || c == '\n' || c == '\r')) {
            throw new ConfigurationException("a client id must be a non-empty word without NUL or spaces: '" + id + "'");
        }
        this.clientId = id;
        return self();
    }

    /** How long one connect attempt may take (default 10 s). */
    public B connectTimeout(Duration timeout) {
        this.connectTimeout = positive(timeout, "connectTimeout");
        return self();
    }

    /**
     * Delay before reconnecting after a failed attempt or a drop: {@code min} first, doubling
     * after each failed attempt up to {@code max} (defaults 100 ms and 10 s).
     */
    public B reconnectBackoff(Duration min, Duration max) {
        positive(min, "min");
        positive(max, "max");
        if (max.compareTo(min) < 0) {
            throw new ConfigurationException("reconnect backoff max " + max + " is below min " + min);
        }
        this.backoffMin = min;
        this.backoffMax = max;
        return self();
    }

    /** Default wait for a server's answer in calls that take no timeout (default 30 s). */
    public B requestTimeout(Duration timeout) {
        this.requestTimeout = positive(timeout, "requestTimeout");
        return self();
    }

    /** TCP keepalive on every socket (gear's {@code keepalive}, {@code tcp_keepidle}, ...). */
    public B keepalive(Duration idle, Duration interval, int count) {
        this.socketSettings = new SocketSettings(true, positive(idle, "idle"), positive(interval, "interval"), count);
        return self();
    }

    /**
     * Under TLS, also check that the server's certificate names the host given to
     * {@code addServer} (its SANs). Off by default, as in gear, which trusts any certificate its CA
     * signed; turn it on when the CA signs certificates for more than your Gearman servers.
     */
    public B verifyHostname(boolean verify) {
        this.verifyHostname = verify;
        return self();
    }

    /**
     * Drives this client's or worker's connections on {@code io}, shared with others, instead of
     * the default I/O thread (see {@link SharedIoThread} for when that pays and what it asks).
     * The last of {@code ioThread(io)} and {@code Client.Builder.ownIoThread()} called wins.
     */
    public B ioThread(SharedIoThread io) {
        this.ioThread = Objects.requireNonNull(io, "io");
        return self();
    }

    /** The shared I/O thread, or null for the default one. */
    SharedIoThread ioThread() {
        return ioThread;
    }

    /** Without {@code ioThread(io)}: the JVM-wide I/O thread if true, one of its own if false. */
    final void jvmWideIoThread(boolean jvmWide) {
        this.jvmWideIoThread = jvmWide;
        this.ioThread = null;
    }

    boolean jvmWideIoThread() {
        return ioThread == null && jvmWideIoThread;
    }

    PoolSettings settings() {
        return new PoolSettings(clientId, connectTimeout, backoffMin, backoffMax, requestTimeout, socketSettings,
                ConnectionLimits.DEFAULTS, verifyHostname);
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigurationException(what + " must be positive, was " + d);
        }
        return d;
    }
}
