package dev.gear;

import dev.gear.internal.client.Connector;
import dev.gear.internal.client.ServerLink;
import dev.gear.internal.client.ServerPool;
import dev.gear.internal.transport.EventLoop;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * What {@link Client} and {@link Worker} share (gear's {@code BaseClient}): the servers they talk
 * to, connected in the background and reconnected after a drop, and waiting for one to be up.
 * Not meant to be extended outside this package; extend {@code Client} or {@code Worker}.
 */
public abstract class BaseClient implements AutoCloseable {
    /** Gearman's registered port, used when none is given. */
    public static final int DEFAULT_PORT = 4730;

    /** The shared I/O thread this client or worker runs on, or null for the JVM-wide one or its own. */
    private final SharedIoThread io;
    /** Whether it runs on the JVM-wide I/O thread ({@link Client#DEFAULT_IO_THREAD_NAME}). */
    private final boolean jvmWide;

    BaseClient(ConnectionOptions<?> options) {
        this.io = options.ioThread();
        this.jvmWide = options.jvmWideIoThread();
    }

    /**
     * The loop to build the pool on: the shared thread's, the JVM-wide one, or null for one of
     * its own. A pool on a loop it did not start never closes that loop.
     */
    final EventLoop sharedLoop(String who) {
        if (io != null) {
            return io.loopFor(who);
        }
        return jvmWide ? JvmIoThread.loop() : null;
    }

    /** Once the pool is built: a shared thread's {@code close()} then shuts this one down too. */
    final void attachToIoThread() {
        if (io != null) {
            io.attach(this);
        }
    }

    /** On shutdown: the shared thread (if any) forgets this one. */
    final void detachFromIoThread() {
        if (io != null) {
            io.detach(this);
        }
    }

    /** The servers of this client or worker, and its I/O thread. */
    abstract ServerPool<?> pool();

    /** Adds a server on the default port 4730. */
    public void addServer(String host) {
        addServer(host, DEFAULT_PORT);
    }

    /**
     * Adds a server; returns at once and connects in the background (then reconnects as needed).
     *
     * @throws ConfigurationException when this host and port were already added
     */
    public void addServer(String host, int port) {
        ServerPool<?> pool = pool();
        pool.addServer(host, port, Connector.plain(pool.settings().socketSettings(), pool.settings().limits()));
    }

    /**
     * Adds a server reached over TLS, with gear's three PEM files (gear's {@code ssl_key},
     * {@code ssl_cert}, {@code ssl_ca}): as in gear, TLS is used when all three are given, and plain
     * TCP when all three are null. See {@link SslContexts#fromPem} for the formats.
     *
     * @throws ConfigurationException when only some are given, a file cannot be used (the message
     *         names it), or this host and port were already added
     */
    public void addServer(String host, int port, Path sslKey, Path sslCert, Path sslCa) {
        if (sslKey == null && sslCert == null && sslCa == null) {
            addServer(host, port);
            return;
        }
        if (sslKey == null || sslCert == null || sslCa == null) {
            throw new ConfigurationException("TLS needs all three of sslKey, sslCert and sslCa; got key=" + sslKey
                    + ", cert=" + sslCert + ", ca=" + sslCa);
        }
        addServer(host, port, SslContexts.fromPem(sslKey, sslCert, sslCa));
    }

    /**
     * Adds a server reached over TLS 1.3/1.2 with {@code context}: its key and certificate identify
     * this side (the server's ACL sees the certificate's CN), its trust managers judge the server.
     *
     * @throws ConfigurationException when this host and port were already added
     */
    public void addServer(String host, int port, SSLContext context) {
        ServerPool<?> pool = pool();
        pool.addServer(host, port, Connector.tls(pool.settings().socketSettings(), pool.settings().limits(),
                Objects.requireNonNull(context, "context"), pool.settings().verifyHostname()));
    }

    /** Waits until at least one server is connected, up to the default request timeout. */
    public void waitForServer() {
        waitForServer(pool().settings().requestTimeout());
    }

    /**
     * Waits until at least one server is connected. Returns at once after shutdown.
     *
     * @throws GearmanTimeoutException when none is connected within {@code timeout}; the message
     *         says why the last attempt failed
     */
    public void waitForServer(Duration timeout) {
        pool().waitForServer(timeout);
    }

    /**
     * A connected server, rotating between calls (gear's {@code getConnection}); use it for admin
     * requests and echo.
     *
     * @throws NoConnectedServersException when no server is connected
     */
    public Connection getConnection() {
        return new Connection(pool().anyConnected());
    }

    /** Every configured server, connected or not. */
    public List<Connection> getConnections() {
        List<Connection> out = new ArrayList<>();
        for (ServerLink<?> s : pool().servers()) {
            out.add(new Connection(s));
        }
        return out;
    }

    /**
     * Closes every connection and ends the I/O thread if it is this one's own (a shared or the
     * JVM-wide I/O thread goes on serving the others); what was already sent is flushed first.
     * Idempotent.
     */
    public abstract void shutdown();

    /** Same as {@link #shutdown()}. */
    @Override
    public void close() {
        shutdown();
    }
}
