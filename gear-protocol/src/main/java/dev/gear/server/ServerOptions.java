package dev.gear.server;

import dev.gear.internal.transport.ConnectionLimits;
import dev.gear.internal.transport.SocketSettings;
import dev.gear.internal.transport.TlsSettings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * The options a {@link Server} was built with, as {@link Server.Builder} checked them: an immutable
 * value (the builder may be changed and reused afterwards without effect on servers already built).
 * {@link Server#options()} returns it; the builder's methods document each option and its default.
 *
 * <p>The {@link Acl} is the one live part, by design: the {@code acl} admin commands change it at
 * run time, and so may the application through it.
 *
 * @param port                   the port to listen on (0: any free port)
 * @param listenAddresses        the addresses to listen on; empty for every local address
 * @param maxPacketSize          largest packet body accepted, in bytes
 * @param maxAdminLineLength     longest admin text line accepted, in bytes
 * @param maxQueuedOutput        output queued for one peer before it is disconnected, in bytes
 * @param maxUniqueLength        longest unique id accepted, in bytes
 * @param backlog                the listen backlog
 * @param maxConnections         most connections open at once (0: no limit)
 * @param incompleteFrameTimeout how long a frame may stay unfinished (zero: no limit)
 * @param workerLossPolicy       what happens to the jobs of a lost worker
 * @param exceptionForwarding    who receives WORK_EXCEPTION
 * @param keepalive              whether accepted connections use TCP keepalive
 * @param keepaliveIdle          idle time before the first keepalive probe
 * @param keepaliveInterval      time between keepalive probes
 * @param keepaliveCount         unanswered probes before the connection is dropped
 * @param handlePrefix           replaces {@code H:<peer ip>} in job handles, or {@code null}
 * @param serverId               a name for thread names and logs, or {@code null}
 * @param sslContext             TLS with a required client certificate, or {@code null} for plain TCP
 * @param tlsHandshakeTimeout    how long a TLS handshake may take
 * @param acl                    the ACL enforced, or {@code null} for none
 * @param statsdHost             where statistics go, or {@code null} for nowhere
 * @param statsdPort             the statsd port
 * @param statsdPrefix           the statsd metric prefix, or {@code null}
 * @param adminShutdown          whether the {@code shutdown} admin command may stop the server
 * @param queueStore             where background jobs are kept across restarts, or {@code null} for memory only
 * @param acceptThread           whether connections are accepted on a thread of their own
 */
public record ServerOptions(int port, List<String> listenAddresses, long maxPacketSize, int maxAdminLineLength,
        long maxQueuedOutput, int maxUniqueLength, int backlog, int maxConnections, Duration incompleteFrameTimeout,
        WorkerLossPolicy workerLossPolicy, ExceptionForwarding exceptionForwarding, boolean keepalive,
        Duration keepaliveIdle, Duration keepaliveInterval, int keepaliveCount, String handlePrefix, String serverId,
        SSLContext sslContext, Duration tlsHandshakeTimeout, Acl acl, String statsdHost, int statsdPort,
        String statsdPrefix, boolean adminShutdown, QueueStoreConfig queueStore, boolean acceptThread) {

    /** Copies the address list; the builder has checked every value. */
    public ServerOptions {
        listenAddresses = List.copyOf(listenAddresses);
        Objects.requireNonNull(incompleteFrameTimeout, "incompleteFrameTimeout");
        Objects.requireNonNull(workerLossPolicy, "workerLossPolicy");
        Objects.requireNonNull(exceptionForwarding, "exceptionForwarding");
        Objects.requireNonNull(keepaliveIdle, "keepaliveIdle");
        Objects.requireNonNull(keepaliveInterval, "keepaliveInterval");
        Objects.requireNonNull(tlsHandshakeTimeout, "tlsHandshakeTimeout");
    }

    /** Whether clients must connect with TLS. */
    public boolean isTls() {
        return sslContext != null;
    }

    SocketSettings socketSettings() {
        return new SocketSettings(keepalive, keepaliveIdle, keepaliveInterval, keepaliveCount);
    }

    ConnectionLimits connectionLimits() {
        return new ConnectionLimits(maxPacketSize, maxAdminLineLength, maxQueuedOutput, incompleteFrameTimeout,
                maxConnections);
    }

    /** Null for plain TCP. */
    TlsSettings tlsSettings() {
        return sslContext == null ? null : TlsSettings.of(sslContext).withHandshakeTimeout(tlsHandshakeTimeout);
    }
}
