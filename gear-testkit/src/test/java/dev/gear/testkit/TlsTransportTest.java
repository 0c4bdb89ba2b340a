package dev.gear.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.codec.DecodeError;
import dev.gear.internal.transport.ConnectionHandler;
import dev.gear.internal.transport.ConnectionLimits;
import dev.gear.internal.transport.EventLoop;
import dev.gear.internal.transport.Listener;
import dev.gear.internal.transport.NioConnection;
import dev.gear.internal.transport.SocketSettings;
import dev.gear.internal.transport.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** TLS in the event-loop transport, over real loopback sockets. */
class TlsTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestCertificates CERTS = TestCertificates.get();

    private EventLoop serverLoop;
    private EventLoop clientLoop;
    private final BlockingQueue<Peer> accepted = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() {
        serverLoop = new EventLoop("tls-test-server");
        clientLoop = new EventLoop("tls-test-client");
    }

    @AfterEach
    void stop() {
        clientLoop.close();
        serverLoop.close();
    }

    @Test
    void tls13RoundTripIdentifiesBothSides() throws Exception {
        Listener listener = listen(TlsSettings.of(CERTS.serverContext()));
        Peer client = new Peer();
        NioConnection connection = connect(listener, TlsSettings.of(CERTS.clientContext("client-1")), client)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);

        Peer server = nextAccepted();
        assertThat(server.opened.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("client-1");
        assertThat(connection.tlsSession().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(serverLoop.submit(() -> server.connection.tlsSession().getProtocol()).get())
                .isEqualTo("TLSv1.3");
        assertThat(clientLoop.submit(connection::tlsSubject).get()).isEqualTo("localhost");

        clientLoop.execute(() -> connection.sendText("hello over tls\n"));
        assertThat(client.lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("hello over tls");
    }

    @Test
    void tls12RoundTrip() throws Exception {
        Listener listener = listen(TlsSettings.of(CERTS.serverContext()));
        Peer client = new Peer();
        NioConnection connection = connect(listener,
                TlsSettings.of(CERTS.clientContext("client-12")).withProtocols("TLSv1.2"), client)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(connection.tlsSession().getProtocol()).isEqualTo("TLSv1.2");
        assertThat(nextAccepted().opened.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("client-12");
        clientLoop.execute(() -> connection.sendText("hello 1.2\n"));
        assertThat(client.lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("hello 1.2");
    }

    @Test
    void rsaCertificatesWork() throws Exception {
        TestCertificates rsa = TestCertificates.builder().keyType(TestCertificates.KeyType.RSA_2048).build();
        Listener listener = listen(TlsSettings.of(rsa.serverContext()));
        Peer client = new Peer();
        NioConnection connection = connect(listener, TlsSettings.of(rsa.clientContext("rsa-client")), client)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(nextAccepted().opened.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("rsa-client");
        clientLoop.execute(() -> connection.sendText("rsa\n"));
        assertThat(client.lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("rsa");
    }

    @Test
    void plainConnectionsHaveNoSubject() throws Exception {
        Listener listener = listen(null);
        Peer client = new Peer();
        NioConnection connection = connect(listener, null, client).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(nextAccepted().opened.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("<none>");
        assertThat(connection.isTls()).isFalse();
        assertThat(connection.tlsSession()).isNull();
        clientLoop.execute(() -> connection.sendText("plain\n"));
        assertThat(client.lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("plain");
    }

    /** Many packets queued in one turn, some larger than a TLS record: all arrive, in order. */
    @Test
    void batchedAndLargeWritesArriveIntact() throws Exception {
        Listener listener = listen(TlsSettings.of(CERTS.serverContext()));
        Peer client = new Peer();
        NioConnection connection = connect(listener, TlsSettings.of(CERTS.clientContext("bulk")), client)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        byte[] big = new byte[1 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        clientLoop.execute(() -> {
            for (int i = 0; i < 2000; i++) {
                connection.send(Packet.request(PacketType.ECHO_REQ, ("packet " + i).getBytes(StandardCharsets.UTF_8)));
            }
            connection.send(Packet.request(PacketType.ECHO_REQ, big));
        });
        for (int i = 0; i < 2000; i++) {
            Packet p = client.packets.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(p).isNotNull();
            assertThat(new String(p.body(), StandardCharsets.UTF_8)).isEqualTo("packet " + i);
        }
        Packet last = client.packets.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(last).isNotNull();
        assertThat(Arrays.equals(last.body(), big)).as("1 MiB body intact").isTrue();
    }

    @Test
    void clientWithoutCertificateIsRefused() throws Exception {
        Listener listener = listen(TlsSettings.of(CERTS.serverContext()));
        Peer client = new Peer();
        connect(listener, TlsSettings.of(TestCertificates.sslContext(null, CERTS.caCertificate())), client);

        Peer server = nextAccepted();
        assertThat(server.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .startsWith("TLS handshake failed: no client certificate");
        assertThat(server.opened).isNotDone();
        assertThat(client.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS)).contains("server refused the handshake");
    }

    @Test
    void certificateFromAnotherCaIsRefused() throws Exception {
        TestCertificates other = TestCertificates.builder().caName("some other CA").build();
        Listener listener = listen(TlsSettings.of(CERTS.serverContext()));
        Peer client = new Peer();
        connect(listener, TlsSettings.of(TestCertificates.sslContext(other.client("mallory"), CERTS.caCertificate())),
                client);

        assertThat(nextAccepted().closed.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .startsWith("TLS handshake failed: unknown CA: the client certificate is not signed by a trusted CA");
        assertThat(client.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS)).contains("TLS");
    }

    @Test
    void serverFromAnotherCaIsRefusedByTheClient() throws Exception {
        TestCertificates other = TestCertificates.builder().caName("some other CA").build();
        Listener listener = listen(TlsSettings.of(other.serverContext()));
        CompletableFuture<NioConnection> connecting =
                connect(listener, TlsSettings.of(CERTS.clientContext("client-x")), new Peer());
        assertThat(connecting).failsWithin(WAIT).withThrowableOfType(Exception.class)
                .withMessageContaining("unknown CA: the server certificate is not signed by a trusted CA");
    }

    @Test
    void expiredCertificateIsRefused() throws Exception {
        Instant now = Instant.now();
        HeldCertificate expired = CERTS.issueClient("old-timer", now.minus(Duration.ofDays(10)),
                now.minus(Duration.ofDays(1)));
        Listener listener = listen(TlsSettings.of(CERTS.serverContext()));
        Peer client = new Peer();
        connect(listener, TlsSettings.of(CERTS.sslContext(expired)), client);

        assertThat(nextAccepted().closed.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .startsWith("TLS handshake failed: client certificate expired")
                .contains("CN=old-timer");
        assertThat(client.ended().get(WAIT.toSeconds(), TimeUnit.SECONDS)).contains("TLS");
    }

    @Test
    void plaintextOnTlsPortIsNamedAndOnlyThatConnectionCloses() throws Exception {
        Listener listener = listen(TlsSettings.of(CERTS.serverContext()));
        try (Socket plain = new Socket()) {
            plain.connect(listener.address());
            plain.setSoTimeout((int) WAIT.toMillis());
            plain.getOutputStream().write("status\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(plain.getInputStream().read()).as("server closes the plaintext connection").isEqualTo(-1);
        }
        assertThat(nextAccepted().closed.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo("TLS handshake failed: plaintext on TLS port (first byte 0x73 's', "
                        + "expected a TLS handshake record 0x16)");
        assertRoundTrip(listener, "still-serving");
    }

    /**
     * A TLS 1.2 client that starts a second handshake on an open connection: the JDK server would
     * renegotiate (each one a full handshake on the loop thread, and the identity would stay the
     * first certificate's anyway); the server closes that connection instead, naming why.
     */
    @Test
    void clientInitiatedRenegotiationIsRefused() throws Exception {
        Listener listener = listen(TlsSettings.of(CERTS.serverContext()));
        try (SSLSocket socket = (SSLSocket) CERTS.clientContext("renegotiator").getSocketFactory()
                .createSocket("127.0.0.1", listener.address().getPort())) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write("first\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readLine(socket.getInputStream())).isEqualTo("first");
            Peer server = nextAccepted();

            assertThatThrownBy(() -> {
                socket.startHandshake(); // TLS 1.2: a new ClientHello on the open connection
                socket.getOutputStream().write("second\n".getBytes(StandardCharsets.US_ASCII));
                readLine(socket.getInputStream());
            }).as("the renegotiating client sees its connection end").isInstanceOf(IOException.class);
            assertThat(server.closed.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo("TLS error: client-initiated TLS 1.2 renegotiation refused "
                            + "(a new handshake on an open connection; reconnect instead)");
        }
        assertRoundTrip(listener, "still-serving");
    }

    @Test
    void sslV2HelloIsNamed() throws Exception {
        Listener listener = listen(TlsSettings.of(CERTS.serverContext()));
        try (Socket socket = new Socket()) {
            socket.connect(listener.address());
            socket.setSoTimeout((int) WAIT.toMillis());
            // SSL 2.0 record header (length 0x2e, high bit set), CLIENT-HELLO, version 3.1, ...
            socket.getOutputStream().write(new byte[] {(byte) 0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15});
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(nextAccepted().closed.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo("TLS handshake failed: SSLv2-format ClientHello (first byte 0x80): SSL 2.0 and its "
                        + "hello format are not accepted, only TLS 1.2 and 1.3");
    }

    /** Hand-made ClientHellos offering only what the server never enables: refused, naming the reason. */
    @Test
    void downgradeAttemptsAreRefusedWithTheReason() throws Exception {
        Listener listener = listen(TlsSettings.of(CERTS.serverContext()));
        assertHelloRefused(listener, clientHello(0x0301, 0x002f), 70,
                "TLS handshake failed: no common TLS protocol (Client requested protocol TLSv1 is not enabled");
        assertHelloRefused(listener, clientHello(0x0302, 0x002f), 70,
                "TLS handshake failed: no common TLS protocol (Client requested protocol TLSv1.1 is not enabled");
        assertHelloRefused(listener, clientHello(0x0303, 0x0002, 0x003b), 40,
                "TLS handshake failed: no common cipher suite: the client offered none this server enables");
        assertHelloRefused(listener, clientHello(0x0303, 0x0003, 0x0005), 40,
                "TLS handshake failed: no common cipher suite: the client offered none this server enables");
        assertRoundTrip(listener, "still-serving");
    }

    /**
     * A refused peer that is still sending (a TLS 1.3 client's certificate flight is typically
     * still arriving when its refusal leaves) gets an orderly end, not a reset: the server reads
     * and drops the rest before closing. Closing with unread input sends RST, and the peer then
     * saw "broken pipe" or "connection reset" instead of the alert that says why.
     */
    @Test
    void refusedPeerStillSendingGetsAnOrderlyEndNotAReset() throws Exception {
        Listener listener = listen(TlsSettings.of(CERTS.serverContext()));
        try (Socket socket = new Socket()) {
            socket.connect(listener.address());
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(clientHello(0x0301, 0x002f));
            byte[] alert = socket.getInputStream().readNBytes(7);
            assertThat(alert).as("the fatal alert record").hasSize(7);
            assertThat(alert[0]).isEqualTo((byte) 0x15);

            byte[] more = new byte[16 * 1024];
            Arrays.fill(more, (byte) 0x17);
            for (int i = 0; i < 16; i++) {
                socket.getOutputStream().write(more); // without the lingering close: broken pipe / reset
            }
            socket.shutdownOutput();
            assertThat(socket.getInputStream().read()).as("an orderly end of stream").isEqualTo(-1);
        }
        assertThat(nextAccepted().closed.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .startsWith("TLS handshake failed: no common TLS protocol");
    }

    /** A TLS 1.0-1.2 style ClientHello: no extensions, null compression, the given suites. */
    static byte[] clientHello(int version, int... suites) {
        int bodyLength = 2 + 32 + 1 + 2 + 2 * suites.length + 2;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(5 + 4 + bodyLength);
        b.put((byte) 0x16).putShort((short) 0x0301).putShort((short) (4 + bodyLength));
        b.put((byte) 1).put((byte) 0).putShort((short) bodyLength);
        b.putShort((short) version).put(new byte[32]).put((byte) 0).putShort((short) (2 * suites.length));
        for (int suite : suites) {
            b.putShort((short) suite);
        }
        b.put((byte) 1).put((byte) 0);
        return b.array();
    }

    private void assertHelloRefused(Listener listener, byte[] hello, int alert, String reason) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(listener.address());
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(hello);
            byte[] reply = socket.getInputStream().readNBytes(7);
            assertThat(reply).as("a fatal alert record").hasSize(7);
            assertThat(reply[0]).isEqualTo((byte) 0x15);
            assertThat(reply[5]).as("fatal").isEqualTo((byte) 2);
            assertThat(reply[6] & 0xff).as("alert description").isEqualTo(alert);
        }
        assertThat(nextAccepted().closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).startsWith(reason);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("end of stream after '" + line + "'");
            }
            line.append((char) c);
        }
        return line.toString();
    }

    @Test
    void tlsClientToPlainServerIsNamed() throws Exception {
        // Like gearmand: any input that is not a packet gets an ERR line.
        Listener listener = serverLoop.listen(new InetSocketAddress("127.0.0.1", 0), 16, SocketSettings.DEFAULTS,
                ConnectionLimits.DEFAULTS, c -> {
                    Peer peer = new Peer();
                    peer.fixedReply = "ERR UNKNOWN_COMMAND\n";
                    return peer;
                });
        CompletableFuture<NioConnection> connecting =
                connect(listener, TlsSettings.of(CERTS.clientContext("client-x")), new Peer());
        assertThat(connecting).failsWithin(WAIT).withThrowableOfType(Exception.class)
                .withMessageContaining("server answered in plaintext");
    }

    /** A peer that starts a handshake and stalls holds only its own connection. */
    @Test
    void stalledHandshakeDoesNotBlockOthers() throws Exception {
        Listener listener = listen(TlsSettings.of(CERTS.serverContext()).withHandshakeTimeout(Duration.ofMinutes(5)));
        try (Socket stalled = new Socket()) {
            stalled.connect(listener.address());
            // A TLS record header announcing a 128-byte handshake message that never comes.
            stalled.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0x80, 0x01});
            stalled.getOutputStream().flush();
            Peer stalledPeer = nextAccepted();

            assertRoundTrip(listener, "meanwhile");

            assertThat(stalledPeer.closed).as("the stalled handshake is still pending").isNotDone();
            assertThat(stalledPeer.opened).isNotDone();
        }
    }

    @Test
    void handshakeTimeoutClosesTheConnection() throws Exception {
        Listener listener = listen(TlsSettings.of(CERTS.serverContext()).withHandshakeTimeout(Duration.ofMillis(200)));
        try (Socket silent = new Socket()) {
            silent.connect(listener.address());
            silent.setSoTimeout((int) WAIT.toMillis());
            InputStream in = silent.getInputStream();
            assertThat(in.read()).as("closed by the server").isEqualTo(-1);
        }
        assertThat(nextAccepted().closed.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo("TLS handshake failed: TLS handshake not finished within 200 ms");
    }

    @Test
    void clientHandshakeTimeoutFailsTheConnect() throws Exception {
        // A plain listener whose acceptor never answers: the hello goes unanswered.
        Listener silent = serverLoop.listen(new InetSocketAddress("127.0.0.1", 0), 16, SocketSettings.DEFAULTS,
                ConnectionLimits.DEFAULTS, c -> {
                    c.setReadPaused(true);
                    return new Peer();
                });
        CompletableFuture<NioConnection> connecting = connect(silent,
                TlsSettings.of(CERTS.clientContext("patient")).withHandshakeTimeout(Duration.ofMillis(200)), new Peer());
        assertThat(connecting).failsWithin(WAIT).withThrowableOfType(Exception.class)
                .withMessageContaining("TLS handshake not finished within 200 ms");
    }

    private void assertRoundTrip(Listener listener, String text) throws Exception {
        Peer client = new Peer();
        NioConnection connection = connect(listener, TlsSettings.of(CERTS.clientContext("other")), client)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        clientLoop.execute(() -> connection.sendText(text + "\n"));
        assertThat(client.lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(text);
        clientLoop.execute(() -> connection.close("done"));
    }

    private Listener listen(TlsSettings tls) throws IOException {
        return serverLoop.listen(new InetSocketAddress("127.0.0.1", 0), 128, SocketSettings.DEFAULTS,
                ConnectionLimits.DEFAULTS, tls, connection -> {
                    Peer peer = new Peer();
                    peer.echo = true;
                    peer.connection = connection;
                    accepted.add(peer);
                    return peer;
                });
    }

    private CompletableFuture<NioConnection> connect(Listener listener, TlsSettings tls, Peer peer) {
        CompletableFuture<NioConnection> future = clientLoop.connect(listener.address(), WAIT, SocketSettings.DEFAULTS,
                ConnectionLimits.DEFAULTS, tls, peer);
        peer.connecting = future;
        return future;
    }

    private Peer nextAccepted() throws InterruptedException {
        Peer peer = accepted.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(peer).as("an accepted connection").isNotNull();
        return peer;
    }

    /** One side of a test connection: echoes when it is the server, records everything. */
    private static final class Peer implements ConnectionHandler {
        final CompletableFuture<String> opened = new CompletableFuture<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final BlockingQueue<Packet> packets = new LinkedBlockingQueue<>();
        volatile NioConnection connection;
        volatile CompletableFuture<NioConnection> connecting;
        boolean echo;
        String fixedReply;

        @Override
        public void onOpen(NioConnection c) {
            String subject = c.tlsSubject();
            opened.complete(subject == null ? "<none>" : subject);
        }

        @Override
        public void onPacket(NioConnection c, Packet packet) {
            if (echo) {
                c.send(Packet.response(PacketType.ECHO_RES, packet.body()));
            } else {
                packets.add(packet);
            }
        }

        @Override
        public void onLine(NioConnection c, String line) {
            if (fixedReply != null) {
                c.sendText(fixedReply);
            } else if (echo) {
                c.sendText(line + "\n");
            } else {
                lines.add(line);
            }
        }

        @Override
        public void onDecodeError(NioConnection c, DecodeError error) {
            if (fixedReply != null) {
                c.sendText(fixedReply);
            } else {
                lines.add("decode error: " + error);
            }
        }

        @Override
        public void onClosed(NioConnection c, String reason) {
            closed.complete(reason);
        }

        /** How a client's connection ended: a failed connect or a close after it opened. */
        CompletableFuture<String> ended() {
            return connecting.handle((c, e) -> e == null ? null : e.getMessage())
                    .thenCompose(failure -> failure != null ? CompletableFuture.completedFuture(failure) : closed);
        }
    }
}
