package dev.gear.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.Client;
import dev.gear.GearmanTimeoutException;
import dev.gear.server.Server;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code verifyHostname(true)} checks the server certificate's SANs against the host given to
 * {@code addServer}; off (gear's behaviour) any certificate the CA signed is accepted. The test
 * server certificate names localhost, 127.0.0.1 and ::1, so 127.0.0.2 (also loopback) is a host it
 * does not name.
 */
class ClientHostnameVerificationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final TestCertificates certificates = TestCertificates.get();

    @Test
    void aHostTheCertificateNamesIsAccepted() {
        try (Server server = tlsServer("127.0.0.1");
                Client client = Client.builder().clientId("verifier").verifyHostname(true).build()) {
            client.addServer("127.0.0.1", server.port(), certificates.clientContext("verifier"));
            client.waitForServer(TIMEOUT);
            assertThat(client.getConnection().echo("ping".getBytes(), TIMEOUT)).isEqualTo("ping".getBytes());
        }
    }

    @Test
    void aHostTheCertificateDoesNotNameIsRefusedOnlyWhenVerifying() {
        try (Server server = tlsServer("127.0.0.2")) {
            try (Client verifying = Client.builder().clientId("verifier").verifyHostname(true)
                    .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200)).build()) {
                verifying.addServer("127.0.0.2", server.port(), certificates.clientContext("verifier"));
                assertThatThrownBy(() -> verifying.waitForServer(Duration.ofSeconds(2)))
                        .isInstanceOf(GearmanTimeoutException.class)
                        .hasMessageContaining("127.0.0.2");
                assertThat(verifying.getConnections().get(0).lastConnectFailure()).hasValueSatisfying(
                        reason -> assertThat(reason).containsIgnoringCase("127.0.0.2"));
            }
            try (Client trusting = Client.builder().clientId("trusting").build()) {
                trusting.addServer("127.0.0.2", server.port(), certificates.clientContext("trusting"));
                trusting.waitForServer(TIMEOUT);
            }
        }
    }

    private Server tlsServer(String address) {
        return Server.builder().listenAddress(address).port(0).tls(certificates.serverContext()).build().start();
    }
}
