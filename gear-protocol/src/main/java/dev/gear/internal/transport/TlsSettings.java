package dev.gear.internal.transport;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * TLS for a listener or an outgoing connection. Whether an engine runs in client or server mode
 * follows from where the settings are used ({@link EventLoop#connect} or {@link EventLoop#listen}).
 *
 * @param context          key material and trust anchors
 * @param protocols        protocols to enable, in the JDK's names; only {@code TLSv1.3} and
 *                         {@code TLSv1.2} are allowed
 * @param needClientAuth   server side: refuse a client without a certificate signed by a trusted CA
 *                         (gear's rule, so the default)
 * @param verifyHostname   client side: check the server certificate's SAN against the host dialled
 *                         (gear does not; the CA alone is trusted)
 * @param handshakeTimeout a handshake not finished by then drops the connection
 */
public record TlsSettings(SSLContext context, List<String> protocols, boolean needClientAuth, boolean verifyHostname,
        Duration handshakeTimeout) {
    /** The protocols we speak: TLS 1.3 and 1.2. */
    public static final List<String> SUPPORTED_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public TlsSettings {
        Objects.requireNonNull(context, "context");
        protocols = List.copyOf(protocols);
        if (protocols.isEmpty() || !SUPPORTED_PROTOCOLS.containsAll(protocols)) {
            throw new IllegalArgumentException("TLS protocols must be among " + SUPPORTED_PROTOCOLS + ", got " + protocols);
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshake timeout must be positive, got " + handshakeTimeout);
        }
    }

    /** TLS 1.3 and 1.2, client certificate required, no hostname check, 10 s handshake timeout. */
    public static TlsSettings of(SSLContext context) {
        return new TlsSettings(context, SUPPORTED_PROTOCOLS, true, false, DEFAULT_HANDSHAKE_TIMEOUT);
    }

    public TlsSettings withProtocols(String... protocols) {
        return new TlsSettings(context, List.of(protocols), needClientAuth, verifyHostname, handshakeTimeout);
    }

    public TlsSettings withHandshakeTimeout(Duration timeout) {
        return new TlsSettings(context, protocols, needClientAuth, verifyHostname, timeout);
    }

    public TlsSettings withNeedClientAuth(boolean need) {
        return new TlsSettings(context, protocols, need, verifyHostname, handshakeTimeout);
    }

    public TlsSettings withVerifyHostname(boolean verify) {
        return new TlsSettings(context, protocols, needClientAuth, verify, handshakeTimeout);
    }
}
