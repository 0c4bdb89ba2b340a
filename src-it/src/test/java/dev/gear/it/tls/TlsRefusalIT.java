package dev.gear.it.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.Client;
import dev.gear.ConfigurationException;
import dev.gear.GearmanTimeoutException;
import dev.gear.Job;
import dev.gear.NoConnectedServersException;
import dev.gear.Worker;
import dev.gear.WorkerJob;
import dev.gear.server.ConnectionSnapshot;
import dev.gear.server.Server;
import dev.gear.testkit.HeldCertificate;
import dev.gear.testkit.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * TLS refusals through the real {@link Server} (the bare transport has its own tests in
 * gear-testkit's {@code TlsTransportTest}): each refused peer is checked by what it observes (a
 * handshake alert or a closed socket), and the server is checked to go on serving TLS clients and
 * workers, which complete a job after (or during) every refusal. Our {@link Client} given a bad
 * certificate names the server's refusal in {@code waitForServer}'s timeout, in
 * {@code Connection.lastConnectFailure()} and in the submit's {@link NoConnectedServersException}.
 */
class TlsRefusalIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String HOST = "127.0.0.1";
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    private static final TestCertificates CERTS = TestCertificates.get();

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    @AfterEach
    void close() throws Exception {
        while (!resources.isEmpty()) {
            resources.pop().close();
        }
    }

    @Test
    void clientWithoutCertificateGetsAnAlertAndTheServerGoesOn() throws Exception {
        Server server = tlsServer(HANDSHAKE_TIMEOUT);
        SSLContext noCertificate = TestCertificates.sslContext(null, CERTS.caCertificate());

        // The JDK's server picks the alert: JDK 17 sends bad_certificate, JDK 25 RFC 8446's
        // certificate_required (section 4.4.2.4). Either way the peer is told, and our client says so.
        assertRefusedWithAlert(server, noCertificate, "(bad_certificate|certificate_required)");
        assertClientNamesTheRefusal(server, noCertificate, "(bad_certificate|certificate_required)");
        assertServes(server);
    }

    @Test
    void certificateFromAnotherCaGetsAnAlertAndTheServerGoesOn() throws Exception {
        Server server = tlsServer(HANDSHAKE_TIMEOUT);
        TestCertificates otherCa = TestCertificates.builder().caName("some other CA").build();
        SSLContext foreign = TestCertificates.sslContext(otherCa.client("mallory"), CERTS.caCertificate());

        assertRefusedWithAlert(server, foreign, "certificate_unknown");
        assertClientNamesTheRefusal(server, foreign, "certificate_unknown");
        assertServes(server);
    }

    @Test
    void expiredCertificateGetsAnAlertAndTheServerGoesOn() throws Exception {
        Server server = tlsServer(HANDSHAKE_TIMEOUT);
        Instant now = Instant.now();
        HeldCertificate expired = CERTS.issueClient("old-timer", now.minus(Duration.ofDays(10)),
                now.minus(Duration.ofDays(1)));
        SSLContext withExpired = CERTS.sslContext(expired);

        // The JDK answers an expired certificate with certificate_unknown (the server logs the expiry, with dates).
        assertRefusedWithAlert(server, withExpired, "certificate_unknown");
        assertClientNamesTheRefusal(server, withExpired, "certificate_unknown");
        assertServes(server);
    }

    @Test
    void plaintextOnTheTlsPortIsClosedAndTheServerGoesOn() throws Exception {
        Server server = tlsServer(HANDSHAKE_TIMEOUT);
        try (Socket plain = new Socket(HOST, server.port())) {
            plain.setSoTimeout((int) WAIT.toMillis());
            plain.getOutputStream().write("status\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readOrReset(plain.getInputStream())).as("the server closes a plaintext connection without a reply")
                    .isEqualTo(-1);
        }
        assertServes(server);
    }

    /**
     * A peer that sends the start of a ClientHello and stalls holds only its own connection: TLS
     * clients and workers complete a job meanwhile (the handshake timeout is far away here).
     */
    @Test
    void stalledHandshakeDoesNotHoldUpOtherTlsClients() throws Exception {
        Server server = tlsServer(Duration.ofMinutes(5));
        try (Socket stalled = new Socket(HOST, server.port())) {
            stalled.getOutputStream().write(PARTIAL_CLIENT_HELLO);
            stalled.getOutputStream().flush();

            assertServes(server);

            stalled.setSoTimeout(1);
            assertThatThrownBy(() -> stalled.getInputStream().read())
                    .as("the stalled connection is still open: neither answered nor closed")
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(server.snapshot().connections()).as("a connection in its handshake is not a peer yet")
                    .extracting(ConnectionSnapshot::subject).containsOnly("good-client", "good-worker");
        }
    }

    /** The same stalled peer is dropped once the server's handshake timeout passes; the server goes on. */
    @Test
    void stalledHandshakeIsDroppedAtTheTimeout() throws Exception {
        Server server = tlsServer(Duration.ofMillis(300));
        try (Socket stalled = new Socket(HOST, server.port())) {
            stalled.setSoTimeout((int) WAIT.toMillis());
            stalled.getOutputStream().write(PARTIAL_CLIENT_HELLO);
            stalled.getOutputStream().flush();
            assertThat(readOrReset(stalled.getInputStream())).as("closed by the server at its handshake timeout")
                    .isEqualTo(-1);
        }
        assertServes(server);
    }

    /** gear silently connects in plain TCP when only some of key, cert and CA are given; ours refuses. */
    @Test
    void partialTlsMaterialOnAddServerIsAConfigurationError() {
        Client client = add(Client.builder().build());
        Path key = Path.of("client-key.pem");
        assertThatThrownBy(() -> client.addServer(HOST, 4730, key, null, null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("TLS needs all three of sslKey, sslCert and sslCa");
        Worker worker = add(Worker.builder().build());
        assertThatThrownBy(() -> worker.addServer(HOST, 4730, null, key, key))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("TLS needs all three of sslKey, sslCert and sslCa");
        assertThat(client.getConnections()).as("nothing was added").isEmpty();
        assertThat(worker.getConnections()).isEmpty();
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** A TLS record header announcing a 128-byte ClientHello, and its first byte: the rest never comes. */
    private static final byte[] PARTIAL_CLIENT_HELLO = {0x16, 0x03, 0x01, 0x00, (byte) 0x80, 0x01};

    private Server tlsServer(Duration handshakeTimeout) {
        return add(Server.builder().port(0).listenAddress(HOST).tls(CERTS.serverContext())
                .tlsHandshakeTimeout(handshakeTimeout).build().start());
    }

    /**
     * A JDK TLS socket with {@code context}: the handshake (TLS 1.3: the client finishes first) or
     * the first read fails with the server's alert. The server never lists the peer.
     */
    /** {@code alert}: the alert's name, or a regex of the names the JDK may choose. */
    private static void assertRefusedWithAlert(Server server, SSLContext context, String alert) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(HOST, server.port())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            assertThatThrownBy(() -> {
                socket.startHandshake();
                socket.getInputStream().read();
            }).as("what the refused peer observes").isInstanceOf(SSLException.class)
                    .hasMessageMatching("(?s).*Received fatal alert: " + alert + ".*");
        }
        assertThat(server.snapshot().connections()).as("a refused peer never becomes a connection").isEmpty();
    }

    /** Our Client with the same bad certificate: every message a user sees names the server's refusal. */
    private void assertClientNamesTheRefusal(Server server, SSLContext context, String alert) {
        String refusal = "TLS handshake failed: server refused the handshake: Received fatal alert: " + alert;
        String anything = "(?s).*";
        Client client = add(Client.builder().build());
        client.addServer(HOST, server.port(), context);
        assertThatThrownBy(() -> client.waitForServer(Duration.ofSeconds(3)))
                .isInstanceOf(GearmanTimeoutException.class)
                .hasMessageContaining("no Gearman server connected within 3000 ms")
                .hasMessageMatching(anything + refusal + anything);
        assertThat(client.getConnections().get(0).lastConnectFailure()).hasValueSatisfying(
                failure -> assertThat(failure).matches("cannot connect to " + HOST.replace(".", "\\.") + ":"
                        + server.port() + ": " + refusal));
        assertThatThrownBy(() -> client.submitJob(new Job("f", "x")))
                .isInstanceOf(NoConnectedServersException.class)
                .hasMessageMatching(anything + refusal + anything);
        assertThat(server.snapshot().connections()).as("the refused client never became a connection").isEmpty();
    }

    /** A TLS client and worker with good certificates complete a job. */
    private void assertServes(Server server) {
        Client client = add(Client.builder().clientId("good-client").build());
        client.addServer(HOST, server.port(), CERTS.clientContext("good-client"));
        Worker worker = add(Worker.builder().clientId("good-worker").build());
        worker.addServer(HOST, server.port(), CERTS.clientContext("good-worker"));
        worker.registerFunction("still-serving");
        client.waitForServer(WAIT);
        worker.waitForServer(WAIT);

        Job job = client.submitJob(new Job("still-serving", "ping"));
        WorkerJob assigned = worker.getJob(WAIT);
        assertThat(assigned.argumentsAsString()).isEqualTo("ping");
        assigned.sendWorkComplete("pong");
        assertThat(job.waitForCompletion(WAIT).dataAsString()).isEqualTo("pong");
        List<String> subjects = server.snapshot().connections().stream().map(ConnectionSnapshot::subject)
                .collect(Collectors.toList());
        assertThat(subjects).as("TLS identities the server sees").contains("good-client", "good-worker");
    }

    /** Reads one byte; a reset (the server closed with unread input) counts as a close. */
    private static int readOrReset(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    private <T extends AutoCloseable> T add(T resource) {
        resources.push(resource);
        return resource;
    }
}
