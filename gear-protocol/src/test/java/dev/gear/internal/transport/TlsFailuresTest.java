package dev.gear.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reasons come from the handshake's state, so JDK 17's and JDK 25's wordings of the same
 * failure give the same reason (the real handshakes: gear-testkit's {@code TlsTransportTest}, which
 * CI runs on both JDKs).
 */
class TlsFailuresTest {
    @ParameterizedTest
    @ValueSource(strings = {"Received fatal alert: certificate_required",
            "(certificate_required) Received fatal alert: certificate_required"})
    void thePeersAlertIsARefusalOnEveryJdk(String jdkMessage) {
        assertThat(TlsFailures.describe(new SSLHandshakeException(jdkMessage), true, TlsFailures.NO_ALERT, null))
                .isEqualTo("server refused the handshake: Received fatal alert: certificate_required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Client requested protocol TLSv1 is not enabled or supported in server context",
            "(protocol_version) Client requested protocol TLSv1 is not enabled or supported in server context"})
    void aProtocolVersionAlertIsNoCommonProtocolOnEveryJdk(String jdkMessage) {
        assertThat(TlsFailures.describe(new SSLHandshakeException(jdkMessage), false, 70, null))
                .isEqualTo("no common TLS protocol (Client requested protocol TLSv1 is not enabled or supported in"
                        + " server context)");
    }

    @Test
    void theReasonDoesNotDependOnTheWording() {
        assertThat(TlsFailures.describe(new SSLHandshakeException("words a later JDK chose"), false, 40, null))
                .isEqualTo("no common cipher suite: the client offered none this server enables (words a later JDK"
                        + " chose)");
        assertThat(TlsFailures.describe(new SSLHandshakeException("anything"), true, 116, null))
                .isEqualTo("no server certificate (anything)");
        assertThat(TlsFailures.describe(new SSLHandshakeException("(internal_error) other"), false, 80, null))
                .isEqualTo("other");
    }

    @Test
    void readsThePlaintextAlertThisSideSends() {
        ByteBuffer out = ByteBuffer.wrap(new byte[] {9, 9, 0x15, 3, 3, 0, 2, 2, 70});
        assertThat(TlsFailures.alertIn(out, 2)).isEqualTo(70);
        assertThat(TlsFailures.alertIn(ByteBuffer.wrap(new byte[] {0x17, 3, 3, 0, 19, 1, 2}), 0))
                .isEqualTo(TlsFailures.ENCRYPTED_ALERT);
        assertThat(TlsFailures.alertIn(ByteBuffer.allocate(0), 0)).isEqualTo(TlsFailures.NO_ALERT);
    }
}
