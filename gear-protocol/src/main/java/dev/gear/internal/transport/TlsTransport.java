package dev.gear.internal.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link SSLEngine} between a {@link NioConnection} and its socket. Everything runs on the loop
 * thread: the handshake (delegated tasks too: they are certificate checks and one signature, far
 * below a millisecond with ECDSA), reads, and writes. One connection's handshake therefore never
 * waits for another's, and a peer that never finishes is dropped by a timer.
 *
 * <p>Buffers: {@code netIn} holds ciphertext not yet unwrapped (kept in write mode);
 * {@code netOut} holds ciphertext not yet written (kept in read mode). Plaintext is unwrapped into
 * the loop's shared receive buffer and decoded at once, so there is no per-connection plaintext
 * buffer. Writes stay batched: each wrap takes as many queued buffers as fill a TLS record, and
 * several records collect in {@code netOut} before one socket write.
 */
final class TlsTransport {
    private static final Logger LOG = LoggerFactory.getLogger(TlsTransport.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Plaintext per record (TLS's maximum fragment): staged per wrap, so nothing is copied twice. */
    private static final int MAX_RECORD_PLAINTEXT = 16 * 1024;
    private static final int RECORDS_PER_WRITE = 4;
    private static final byte HANDSHAKE_RECORD = 0x16;
    private static final byte ALERT_RECORD = 0x15;
    /**
     * How long a TLS 1.3 client waits for the server's first record after its own Finished before
     * it opens anyway (a server that sends no session tickets says nothing until asked).
     */
    static final Duration VERDICT_GRACE = Duration.ofSeconds(1);
    static final String RENEGOTIATION_REFUSED = "client-initiated TLS 1.2 renegotiation refused "
            + "(a new handshake on an open connection; reconnect instead)";

    private final NioConnection connection;
    private final SSLEngine engine;
    private final boolean clientMode;
    private final Duration handshakeTimeout;
    private ByteBuffer netIn;
    private ByteBuffer netOut;
    private boolean started;
    private boolean handshakeDone;
    /**
     * TLS 1.3 client only: our side of the handshake is done, the server's verdict on our
     * certificate is not in yet. In TLS 1.3 the client finishes first; a server that refuses the
     * certificate says so with an alert one flight later. Opening before it would report a
     * connection that is about to be refused (a client's waitForServer would return, its first
     * request would fail with "connection lost"). The first record from the server (a session
     * ticket, data, or the alert) is the verdict.
     */
    private boolean awaitingVerdict;
    private boolean sawFirstByte;
    private boolean failed;
    private Cancellable timer;
    private String peerSubject;
    private boolean peerSubjectKnown;
    /** The handshake session last seen while handshaking: what a failure's reason is judged from. */
    private SSLSession lastHandshakeSession;

    TlsTransport(NioConnection connection, TlsSettings settings, boolean clientMode) {
        this.connection = connection;
        this.clientMode = clientMode;
        this.handshakeTimeout = settings.handshakeTimeout();
        InetSocketAddress peer = connection.remoteAddress();
        // Host and port let a client resume sessions (and send SNI for a name); a server needs neither.
        engine = clientMode
                ? settings.context().createSSLEngine(peer.getHostString(), peer.getPort())
                : settings.context().createSSLEngine();
        engine.setUseClientMode(clientMode);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(settings.protocols().toArray(String[]::new));
        if (!clientMode) {
            parameters.setNeedClientAuth(settings.needClientAuth());
        } else if (settings.verifyHostname()) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        engine.setSSLParameters(parameters);
        int packetSize = engine.getSession().getPacketBufferSize();
        netIn = ByteBuffer.allocateDirect(packetSize);
        netOut = ByteBuffer.allocateDirect(packetSize * RECORDS_PER_WRITE).flip();
    }

    /** Starts the handshake and its deadline; a client sends its hello now. */
    void begin() {
        started = true;
        timer = connection.loop().schedule(handshakeTimeout, () -> {
            if (!handshakeDone && !connection.isClosed()) {
                fail("TLS handshake not finished within " + handshakeTimeout.toMillis() + " ms", false);
            }
        });
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            fail(e);
            return;
        }
        pump(connection.loop().scratch());
    }

    String peerSubject() {
        if (!handshakeDone) {
            return null;
        }
        if (!peerSubjectKnown) {
            peerSubjectKnown = true;
            try {
                Certificate[] chain = engine.getSession().getPeerCertificates();
                if (chain.length > 0 && chain[0] instanceof X509Certificate) {
                    peerSubject = CommonNames.of(((X509Certificate) chain[0]).getSubjectX500Principal());
                }
            } catch (SSLPeerUnverifiedException e) {
                peerSubject = null; // the peer sent no certificate (allowed when client auth is off)
            }
        }
        return peerSubject;
    }

    SSLSession session() {
        return handshakeDone ? engine.getSession() : engine.getHandshakeSession();
    }

    int interestOps() {
        int ops = 0;
        boolean reading = !connection.isClosing() && (!handshakeDone || !connection.isReadPaused());
        if (reading) {
            ops |= SelectionKey.OP_READ;
        }
        if (netOut.hasRemaining() || (handshakeDone && !connection.output.isEmpty())) {
            ops |= SelectionKey.OP_WRITE;
        }
        return ops;
    }

    void closed() {
        if (timer != null) {
            timer.cancel();
        }
    }

    void onReadable(ByteBuffer scratch) {
        for (int i = 0; i < 16 && !connection.isClosed() && !connection.isClosing(); i++) {
            if (handshakeDone && connection.isReadPaused()) {
                return;
            }
            int n;
            try {
                n = connection.channel().read(netIn);
            } catch (IOException e) {
                if (handshakeDone && !awaitingVerdict) {
                    connection.close("read failed: " + e.getMessage());
                } else {
                    fail("connection lost during the TLS handshake: " + e.getMessage(), false);
                }
                return;
            }
            if (n < 0) {
                if (awaitingVerdict) {
                    fail("server closed the connection right after the TLS 1.3 handshake, without accepting it "
                            + "(did it refuse our certificate?)", false);
                } else if (handshakeDone) {
                    connection.close("peer closed the connection");
                } else {
                    fail("peer closed the connection during the TLS handshake", false);
                }
                return;
            }
            if (n == 0) {
                return;
            }
            if (!sawFirstByte && !checkFirstByte()) {
                return;
            }
            boolean full = !netIn.hasRemaining();
            pump(scratch);
            if (!full) {
                return; // the socket is drained: no read that would only say EAGAIN
            }
        }
    }

    /** The loop's end-of-turn flush or OP_WRITE. */
    void flush() {
        pump(connection.loop().scratch());
    }

    /**
     * A peer that speaks plaintext to a TLS port (or a server that answers a hello in plaintext)
     * gets a precise reason instead of the engine's "unrecognized SSL message".
     */
    private boolean checkFirstByte() {
        sawFirstByte = true;
        byte first = netIn.get(0);
        if (first == HANDSHAKE_RECORD || (clientMode && first == ALERT_RECORD)) {
            return true;
        }
        String shown = String.format("0x%02x", first & 0xff)
                + (first >= 0x20 && first < 0x7f ? " '" + (char) first + "'" : "");
        if (!clientMode && (first & 0x80) != 0 && netIn.position() >= 3 && netIn.get(2) == 1) {
            // SSL 2.0's record header: a 2-byte length with the high bit set, then message type 1, CLIENT-HELLO.
            fail("SSLv2-format ClientHello (first byte " + shown + "): SSL 2.0 and its hello format are "
                    + "not accepted, only TLS 1.2 and 1.3", false);
            return false;
        }
        fail(clientMode
                ? "server answered in plaintext (first byte " + shown + "): not a TLS port?"
                : "plaintext on TLS port (first byte " + shown + ", expected a TLS handshake record 0x16)", false);
        return false;
    }

    /**
     * Moves everything that can move: handshake steps, received records into the decoder, queued
     * output into records, records onto the socket. Stops when the engine needs peer bytes or the
     * socket is full.
     */
    private void pump(ByteBuffer scratch) {
        if (!started || connection.isClosed()) {
            return;
        }
        try {
            unwrapAvailable(scratch);
            if (connection.isClosed()) {
                return;
            }
            if (handshakeDone && !wrapOutput()) {
                connection.updateInterest(); // socket full: OP_WRITE brings us back
                return;
            }
            if (!writeNet()) {
                connection.updateInterest();
                return;
            }
            if (connection.isClosing() && connection.output.isEmpty()) {
                sendCloseNotify();
                connection.close(connection.closeReason());
                return;
            }
            connection.updateInterest();
        } catch (SSLException e) {
            fail(e);
        } catch (IOException e) {
            connection.close("write failed: " + e.getMessage());
        }
    }

    /** Runs handshake steps and unwraps received records until more peer bytes are needed. */
    private void unwrapAvailable(ByteBuffer scratch) throws IOException {
        netIn.flip();
        try {
            while (!connection.isClosed()) {
                HandshakeStatus status = engine.getHandshakeStatus();
                if (status != HandshakeStatus.NOT_HANDSHAKING && isRenegotiation()) {
                    fail(RENEGOTIATION_REFUSED, false);
                    return;
                }
                if (status == HandshakeStatus.NEED_TASK) {
                    runDelegatedTasks();
                    continue;
                }
                if (status == HandshakeStatus.NEED_WRAP) {
                    if (!wrapHandshake()) {
                        return; // netOut full and socket full: wait for OP_WRITE
                    }
                    continue;
                }
                if (status == HandshakeStatus.NOT_HANDSHAKING && !handshakeDone) {
                    handshakeFinished();
                    continue;
                }
                if (!netIn.hasRemaining() || (handshakeDone && connection.isReadPaused())) {
                    return;
                }
                scratch.clear();
                if (!handshakeDone) {
                    // Kept for a failure's reason: the engine drops its handshake session when it fails.
                    SSLSession handshaking = engine.getHandshakeSession();
                    lastHandshakeSession = handshaking != null ? handshaking : lastHandshakeSession;
                }
                SSLEngineResult result = engine.unwrap(netIn, scratch);
                if (awaitingVerdict && result.bytesConsumed() > 0 && result.getStatus() == SSLEngineResult.Status.OK) {
                    verdictReceived(); // a record that is not an alert: the server accepted us
                }
                if (result.getHandshakeStatus() == HandshakeStatus.FINISHED && !handshakeDone) {
                    handshakeFinished();
                }
                if (result.bytesProduced() > 0) {
                    scratch.flip();
                    if (!connection.deliver(scratch)) {
                        return;
                    }
                }
                switch (result.getStatus()) {
                    case BUFFER_UNDERFLOW:
                        growNetInIfFull();
                        return;
                    case BUFFER_OVERFLOW:
                        throw new SSLException("TLS record larger than the receive buffer ("
                                + scratch.capacity() + " bytes)");
                    case CLOSED:
                        if (handshakeDone && !awaitingVerdict) {
                            connection.close("peer closed the TLS session");
                        } else {
                            fail("peer closed the TLS session during the handshake", true);
                        }
                        return;
                    default:
                        break;
                }
            }
        } finally {
            if (!connection.isClosed()) {
                netIn.compact();
            }
        }
    }

    /**
     * A TLS 1.2 client asking for a new handshake on an open connection (a ClientHello after the
     * first handshake). The JDK server would allow it, but it gains a Gearman client nothing: the
     * identity stays the first certificate's CN, while each renegotiation costs the loop thread a
     * full handshake (a cheap way to slow every other connection). TLS 1.3 has no renegotiation;
     * its post-handshake messages (key updates) are left to the engine.
     */
    private boolean isRenegotiation() {
        return handshakeDone && !clientMode && !connection.isClosing()
                && "TLSv1.2".equals(engine.getSession().getProtocol());
    }

    private void growNetInIfFull() {
        if (netIn.position() == 0 && netIn.limit() == netIn.capacity()) {
            // The session may have negotiated larger records than the first estimate.
            int size = Math.max(netIn.capacity() * 2, engine.getSession().getPacketBufferSize());
            ByteBuffer bigger = ByteBuffer.allocateDirect(size);
            bigger.put(netIn);
            bigger.flip();
            netIn = bigger;
        }
    }

    private void runDelegatedTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private void handshakeFinished() {
        handshakeDone = true;
        if (timer != null) {
            timer.cancel();
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("TLS handshake with {} done: {} {}, peer {}", connection.remoteAddress(),
                    engine.getSession().getProtocol(), engine.getSession().getCipherSuite(), peerSubject());
        }
        if (clientMode && "TLSv1.3".equals(engine.getSession().getProtocol())) {
            awaitingVerdict = true;
            Duration grace = handshakeTimeout.compareTo(VERDICT_GRACE) < 0 ? handshakeTimeout : VERDICT_GRACE;
            timer = connection.loop().schedule(grace, () -> {
                if (awaitingVerdict && !connection.isClosed()) {
                    LOG.debug("no record from {} within {} ms of the TLS 1.3 handshake; opening", connection
                            .remoteAddress(), grace.toMillis());
                    verdictReceived();
                    pump(connection.loop().scratch());
                }
            });
            return;
        }
        connection.opened();
    }

    private void verdictReceived() {
        awaitingVerdict = false;
        if (timer != null) {
            timer.cancel();
        }
        connection.opened();
    }

    /** Produces handshake bytes into {@code netOut}; false when there is no room even after a write. */
    private boolean wrapHandshake() throws IOException {
        if (!ensureRoom()) {
            return false;
        }
        netOut.compact();
        SSLEngineResult result;
        try {
            result = engine.wrap(EMPTY, netOut);
        } finally {
            netOut.flip();
        }
        if (result.getHandshakeStatus() == HandshakeStatus.FINISHED && !handshakeDone) {
            handshakeFinished();
        }
        if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new SSLException("TLS session closed while handshaking");
        }
        return true;
    }

    /**
     * Encrypts queued output; false when the socket is full and output remains. Each record's
     * plaintext is encoded from the queue into the loop's direct write buffer and wrapped from
     * there; only what the engine took is consumed.
     */
    private boolean wrapOutput() throws IOException {
        OutputQueue output = connection.output;
        ByteBuffer plain = connection.loop().writeBuffer();
        while (!output.isEmpty() && !connection.isClosed()) {
            if (engine.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING) {
                return true; // a post-handshake message (key update, ticket) goes first; pump comes back
            }
            if (!ensureRoom()) {
                return false;
            }
            plain.clear().limit(Math.min(plain.capacity(), MAX_RECORD_PLAINTEXT));
            output.copyTo(plain);
            plain.flip();
            netOut.compact();
            SSLEngineResult result;
            try {
                result = engine.wrap(plain, netOut);
            } finally {
                netOut.flip();
            }
            output.consume(result.bytesConsumed());
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("TLS session closed");
            }
        }
        return true;
    }

    /** Makes room for one more record in {@code netOut}, writing to the socket if needed. */
    private boolean ensureRoom() throws IOException {
        int needed = engine.getSession().getPacketBufferSize();
        if (netOut.capacity() - netOut.remaining() >= needed) {
            return true;
        }
        if (!writeNet()) {
            return netOut.capacity() - netOut.remaining() >= needed;
        }
        if (netOut.capacity() < needed) {
            netOut = ByteBuffer.allocateDirect(needed * RECORDS_PER_WRITE).flip();
        }
        return true;
    }

    /** Writes pending ciphertext; true once all of it is out. */
    private boolean writeNet() throws IOException {
        while (netOut.hasRemaining()) {
            if (connection.channel().write(netOut) == 0) {
                return false;
            }
        }
        return true;
    }

    private void sendCloseNotify() {
        prepareCloseNotify();
        try {
            writeNet();
        } catch (IOException | RuntimeException e) {
            LOG.debug("close_notify to {}: {}", connection.remoteAddress(), e.toString());
        }
    }

    /**
     * Closes the engine's outbound side and wraps what it still has to say (its fatal alert after
     * a failure, else close_notify) into {@code netOut}, unsent.
     *
     * @return what that says: the alert's description code when it went out as a plaintext alert
     *         record, {@link TlsFailures#ENCRYPTED_ALERT} for an encrypted record (TLS 1.3 after the
     *         hello), {@link TlsFailures#NO_ALERT} when the engine had nothing to send, which is
     *         how it ends after the peer's fatal alert
     */
    private int prepareCloseNotify() {
        try {
            engine.closeOutbound();
            netOut.compact();
            int start = netOut.position();
            try {
                engine.wrap(EMPTY, netOut);
            } finally {
                netOut.flip();
            }
            return TlsFailures.alertIn(netOut, start);
        } catch (IOException | RuntimeException e) {
            LOG.debug("close_notify to {}: {}", connection.remoteAddress(), e.toString());
            return TlsFailures.NO_ALERT;
        }
    }

    /**
     * Ends a connection whose handshake or record layer the engine refused. The reason is judged
     * from the handshake's state, not from the JDK's wording (which changes between releases):
     * whether this side sends an alert (and which) or fell silent because the peer sent one.
     */
    private void fail(SSLException e) {
        if (failed || connection.isClosed()) {
            return;
        }
        int alert = prepareCloseNotify();
        try {
            writeNet();
        } catch (IOException | RuntimeException io) {
            LOG.debug("alert to {}: {}", connection.remoteAddress(), io.toString());
        }
        SSLSession session = engine.getHandshakeSession();
        String reason = TlsFailures.describe(e, clientMode, alert, session != null ? session : lastHandshakeSession);
        fail(reason, false, true);
    }

    /**
     * Ends a connection whose TLS failed: logs the reason, sends the alert the engine prepared (so
     * the peer learns why), closes this connection only.
     */
    private void fail(String reason, boolean sendAlert) {
        fail(reason, sendAlert, sendAlert);
    }

    /** {@code alertSent}: the alert is already out (or on its way in {@code netOut}). */
    private void fail(String reason, boolean sendAlert, boolean alertSent) {
        if (failed || connection.isClosed()) {
            return;
        }
        failed = true;
        if (sendAlert) {
            sendCloseNotify();
        }
        String what = handshakeDone && !awaitingVerdict ? "TLS error" : "TLS handshake failed";
        LOG.warn("{} with {} ({} side): {}", what, connection.remoteAddress(), clientMode ? "client" : "server", reason);
        if (alertSent && !clientMode && !netOut.hasRemaining()) {
            // The alert is out: let it reach the peer before the socket closes (see lingerThenClose).
            connection.lingerThenClose(what + ": " + reason);
        } else {
            connection.close(what + ": " + reason);
        }
    }
}
