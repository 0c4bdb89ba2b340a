package dev.gear.internal.transport;

import dev.gear.ConnectionException;
import dev.gear.Packet;
import dev.gear.internal.codec.DecodeError;
import dev.gear.internal.codec.DecodeListener;
import dev.gear.internal.codec.FrameDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One non-blocking socket on an {@link EventLoop}: decodes what arrives and hands it to its
 * {@link ConnectionHandler}; queues what is sent and writes it in one gathering write at the end
 * of the loop turn. All methods must be called on the loop thread unless stated otherwise.
 *
 * <p>Plain connections read and write the socket directly. A TLS connection delegates both to its
 * {@link TlsTransport}, which runs the handshake on the loop; the plain path pays one null check
 * for it and nothing else.
 */
public final class NioConnection implements ReadyKey {
    private static final Logger LOG = LoggerFactory.getLogger(NioConnection.class);

    private final EventLoop loop;
    private final SocketChannel channel;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final FrameDecoder decoder;
    private final long maxQueuedOutput;
    final OutputQueue output = new OutputQueue();
    private final DecodeListener decodeListener = new Dispatch();
    /** Null for a plain connection. */
    private final TlsTransport tls;
    /** Outgoing connections: completed once open (after the TLS handshake), failed if it never opens. */
    private final CompletableFuture<NioConnection> openFuture;
    private SelectionKey key;
    private ConnectionHandler handler;
    /** Bytes the socket took on the last write if it took less than offered, else 0. */
    private int lastPartialWrite;
    /** Whether this connection is in the loop's list of connections to flush this turn. */
    boolean dirty;
    private boolean readPaused;
    /** Where the connection is in its life; see {@link Phase}. */
    private Phase phase = Phase.ACTIVE;
    private boolean opened;
    /** The incomplete-frame timeout (0: none); see {@link #closeIfStalled}. */
    private long stallTimeoutNanos;
    /** When the frame in progress (or the closing flush) started waiting; valid while {@link #stalled}. */
    private long stalledSince;
    private boolean stalled;
    /** Set when the decoder completes a frame, so a read that ends mid-frame after progress restarts the clock. */
    private boolean frameCompleted;

    NioConnection(EventLoop loop, SocketChannel channel, ConnectionHandler handler, FrameDecoder decoder,
            long maxQueuedOutput) throws IOException {
        this(loop, channel, handler, decoder, maxQueuedOutput, null, false, null);
    }

    NioConnection(EventLoop loop, SocketChannel channel, ConnectionHandler handler, FrameDecoder decoder,
            long maxQueuedOutput, TlsSettings tlsSettings, boolean clientMode,
            CompletableFuture<NioConnection> openFuture) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.handler = handler;
        this.decoder = decoder;
        this.maxQueuedOutput = maxQueuedOutput;
        this.remote = (InetSocketAddress) channel.getRemoteAddress();
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.openFuture = openFuture;
        this.tls = tlsSettings == null ? null : new TlsTransport(this, tlsSettings, clientMode);
    }

    SocketChannel channel() {
        return channel;
    }

    boolean isClosed() {
        return phase == Phase.CLOSED;
    }

    /** Closing: flushing its last output, or lingering for the peer's FIN. */
    boolean isClosing() {
        return phase == Phase.CLOSING || phase == Phase.LINGERING;
    }

    boolean isReadPaused() {
        return readPaused;
    }

    String closeReason() {
        return closeReason;
    }

    /** Whether this connection runs TLS. */
    public boolean isTls() {
        return tls != null;
    }

    /**
     * The common name (CN) of the peer certificate's subject, the identity gear's ACLs use; null
     * for a plain connection, before the handshake, or when the peer sent no certificate.
     */
    public String tlsSubject() {
        return tls == null ? null : tls.peerSubject();
    }

    /** The TLS session (protocol, cipher suite, peer certificates); null for a plain connection. */
    public SSLSession tlsSession() {
        return tls == null ? null : tls.session();
    }

    void register(SelectionKey key) {
        this.key = key;
    }

    /** Closes this connection once it leaves a frame unfinished, or a closing flush unaccepted, this long. */
    void setIncompleteFrameTimeout(long nanos) {
        this.stallTimeoutNanos = nanos;
    }

    /**
     * Called by the loop's periodic sweep: closes the connection when it has sat in the middle of a
     * frame (a slowloris peer: a header or body or line started and never finished), or closing
     * with output its peer will not take, for longer than the incomplete-frame timeout. Idle
     * connections between frames are never touched: Gearman workers and clients idle legitimately.
     */
    boolean isStalled(long now) {
        return stallTimeoutNanos > 0 && phase != Phase.CLOSED && stalled && (isClosing() || !readPaused)
                && now - stalledSince > stallTimeoutNanos;
    }

    void closeIfStalled(long now) {
        if (!isStalled(now)) {
            return;
        }
        long ms = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(stallTimeoutNanos);
        close(isClosing() ? "closing, but the peer did not take its last output within " + ms + " ms (" + closeReason + ")"
                : "incomplete frame for more than " + ms + " ms (" + decoder.bufferedBytes() + " bytes of it arrived)");
    }

    /** Replaces the handler (an acceptor sets it once it knows who the peer is). */
    public void setHandler(ConnectionHandler handler) {
        this.handler = handler;
    }

    public InetSocketAddress remoteAddress() {
        return remote;
    }

    public InetSocketAddress localAddress() {
        return local;
    }

    public EventLoop loop() {
        return loop;
    }

    /** Whether the connection can still send. False once closing or closed. */
    public boolean isOpen() {
        return phase == Phase.ACTIVE;
    }

    /** Bytes queued and not yet written. */
    public long queuedBytes() {
        return output.bytes();
    }

    /** Queues a packet; it goes out with everything else queued during this loop turn. */
    public void send(Packet packet) {
        if (!isOpen()) {
            return;
        }
        output.add(packet); // encoded at flush time, straight into the loop's write buffer
        queued();
    }

    /** Queues a text line; {@code line} must carry its own line end. */
    public void sendText(String text) {
        sendBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Queues raw bytes (fault injection, admin replies). */
    public void sendBytes(byte[] bytes) {
        if (isOpen() && bytes.length > 0) {
            output.add(bytes);
            queued();
        }
    }

    /**
     * Queues {@code head} followed by {@code length} bytes of {@code array} from {@code offset},
     * counted against the output cap together: one frame whose tail (a job's payload) is written
     * from the caller's array instead of being copied into a frame of its own. The caller must not
     * modify that range afterwards.
     */
    public void sendBytes(byte[] head, byte[] array, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, array.length);
        if (isOpen() && head.length + length > 0) {
            if (head.length > 0) {
                output.add(head);
            }
            if (length > 0) {
                output.add(array, offset, length);
            }
            queued();
        }
    }

    private void queued() {
        if (output.bytes() > maxQueuedOutput) {
            // A peer that does not read must not make us buffer without bound. The output goes at
            // once, but the close runs as the loop's next task: send() is called from inside
            // handlers (the server looping over a job's clients, say), and calling back into the
            // handler's onClosed from there would change what it is iterating.
            String reason = "slow reader: more than " + maxQueuedOutput + " bytes of output queued";
            output.clear();
            phase = Phase.CLOSING; // no more input is delivered nor output queued
            closeReason = reason;
            updateInterest();
            loop.execute(() -> close(reason));
            return;
        }
        loop.markDirty(this);
    }

    /** Stops or resumes reading (backpressure, fault injection). */
    public void setReadPaused(boolean paused) {
        readPaused = paused;
        if (!paused && stalled && !isClosing()) {
            stalledSince = System.nanoTime(); // time we did not read is not the peer's stall
        }
        updateInterest();
    }

    /** Sends what is queued, then closes. Reading stops at once. */
    public void closeAfterFlush(String reason) {
        if (phase != Phase.ACTIVE) {
            return;
        }
        phase = Phase.CLOSING;
        closeReason = reason;
        stalled = true; // from now on the clock measures the closing flush
        stalledSince = System.nanoTime();
        if (output.isEmpty() && tls == null) {
            close(reason);
        } else {
            updateInterest();
            loop.markDirty(this);
        }
    }

    private String closeReason;

    /** Closes now, dropping unsent output; the handler's {@code onClosed} runs once. */
    public void close(String reason) {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        output.clear();
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing {}: {}", this, e.toString());
        }
        loop.forget(this);
        if (tls != null) {
            tls.closed();
        }
        if (!opened && openFuture != null) {
            // The caller never got this connection, so it learns why from the future, not onClosed.
            openFuture.completeExceptionally(new ConnectionException("cannot connect to " + EventLoop.describe(remote)
                    + ": " + reason));
            return;
        }
        try {
            handler.onClosed(this, reason);
        } catch (RuntimeException e) {
            LOG.error("handler failed while closing {}", this, e);
        }
    }

    /**
     * How long a connection refused after its last bytes (a TLS alert) keeps reading and dropping
     * what its peer still sends, waiting for the peer's FIN: see {@link #lingerThenClose}.
     */
    static final java.time.Duration LINGER = java.time.Duration.ofSeconds(2);

    /**
     * Closes gracefully after the bytes already written: sends FIN at once, then reads and drops
     * whatever the peer still sends until its FIN or {@link #LINGER}, and only then closes. Closing
     * a socket with unread input makes the kernel answer with RST instead of FIN, and an RST can
     * destroy the alert the peer has not read yet: a TLS 1.3 client whose certificate is refused
     * is typically still sending its Finished when the alert leaves, and then learned "broken pipe"
     * instead of why it was refused. Nothing is delivered to the handler meanwhile.
     */
    void lingerThenClose(String reason) {
        if (phase == Phase.CLOSED || phase == Phase.LINGERING) {
            return;
        }
        phase = Phase.LINGERING; // nothing more is sent
        closeReason = reason;
        output.clear();
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            close(reason);
            return;
        }
        updateInterest();
        loop.schedule(LINGER, () -> close(reason));
    }

    /** Reads and drops what a lingering connection's peer sends; closes at its FIN. */
    private void drainLingering() {
        ByteBuffer scratch = loop.scratch();
        for (int i = 0; i < 16 && phase != Phase.CLOSED; i++) {
            scratch.clear();
            int n;
            try {
                n = channel.read(scratch);
            } catch (IOException e) {
                close(closeReason);
                return;
            }
            if (n < 0) {
                close(closeReason);
                return;
            }
            if (n == 0 || scratch.hasRemaining()) {
                return;
            }
        }
    }

    /** Closes with a TCP reset (SO_LINGER 0) instead of an orderly FIN: a fault to inject. */
    public void reset(String reason) {
        try {
            channel.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException e) {
            LOG.debug("SO_LINGER on {}: {}", this, e.toString());
        }
        close(reason);
    }

    @Override
    public void onReady(SelectionKey key) {
        int ready = key.readyOps();
        if ((ready & SelectionKey.OP_READ) != 0) {
            onReadable();
        }
        if ((ready & SelectionKey.OP_WRITE) != 0 && key.isValid()) {
            flush();
        }
    }

    @Override
    public void onFailure(RuntimeException e) {
        close("internal error: " + e);
    }

    void onReadable() {
        if (phase == Phase.LINGERING) {
            drainLingering();
            return;
        }
        if (tls != null) {
            tls.onReadable(loop.scratch());
            return;
        }
        for (int i = 0; i < 16 && phase == Phase.ACTIVE && !readPaused; i++) {
            // A large body in progress, or the next frame of a peer whose last body was large, is
            // read in large steps (the decoder still grows its buffer only as bytes arrive).
            ByteBuffer scratch = loop.readBuffer(decoder.readHint());
            scratch.clear();
            int n;
            try {
                n = channel.read(scratch);
            } catch (IOException e) {
                close("read failed: " + e.getMessage());
                return;
            }
            if (n < 0) {
                close("peer closed the connection");
                return;
            }
            if (n == 0) {
                return;
            }
            boolean full = !scratch.hasRemaining();
            scratch.flip();
            if (!deliver(scratch) || !full) {
                return; // a read that did not fill the buffer drained the socket: no EAGAIN read
            }
        }
    }

    /** Decodes received (plain or decrypted) bytes; false once the connection stops reading. */
    boolean deliver(ByteBuffer data) {
        decoder.decode(data, decodeListener);
        if (decoder.failed() && phase != Phase.CLOSED) {
            closeAfterFlush("framing lost");
        }
        if (stallTimeoutNanos > 0 && !isClosing() && phase != Phase.CLOSED) {
            trackIncompleteFrame();
        }
        return phase == Phase.ACTIVE;
    }

    /** Starts the stall clock when a read leaves a frame unfinished; progress restarts it, a boundary stops it. */
    private void trackIncompleteFrame() {
        if (decoder.atFrameBoundary()) {
            stalled = false;
        } else if (!stalled || frameCompleted) {
            stalled = true;
            stalledSince = System.nanoTime();
        }
        frameCompleted = false;
    }

    /**
     * Writes as much as the socket takes; called by the loop at the end of a turn or on OP_WRITE.
     * Queued packets are encoded into the loop's direct write buffer and leave in one
     * {@code write} per buffer-full (the JDK would otherwise copy every heap buffer of a gathering
     * write into a temporary direct buffer of its own). Only what the socket took is consumed, so
     * a partial write resumes from the exact byte next time.
     */
    void flush() {
        if (phase == Phase.CLOSED || phase == Phase.LINGERING) {
            return;
        }
        if (tls != null) {
            tls.flush();
            return;
        }
        while (!output.isEmpty()) {
            ByteBuffer buffer = loop.writeBuffer(output.bytes());
            buffer.clear();
            if (lastPartialWrite > 0) {
                // The socket took only this much last time: encode not far beyond it, so a slow
                // reader does not make us copy a large buffer again and again to write a little.
                buffer.limit((int) Math.min(buffer.capacity(),
                        Math.max(EventLoop.WRITE_BUFFER_SIZE, 2L * lastPartialWrite)));
            }
            output.copyTo(buffer);
            buffer.flip();
            int attempted = buffer.remaining();
            int written;
            try {
                written = channel.write(buffer);
            } catch (IOException e) {
                close("write failed: " + e.getMessage());
                return;
            }
            output.consume(written);
            if (written < attempted) {
                lastPartialWrite = Math.max(1, written);
                break; // socket buffer full: wait for OP_WRITE
            }
            lastPartialWrite = 0;
        }
        if (output.isEmpty() && isClosing()) {
            close(closeReason);
            return;
        }
        updateInterest();
    }

    void updateInterest() {
        if (key == null || !key.isValid()) {
            return;
        }
        int ops = 0;
        if (phase == Phase.LINGERING) {
            ops = SelectionKey.OP_READ;
        } else if (tls != null) {
            ops = tls.interestOps();
        } else {
            if (!readPaused && !isClosing()) {
                ops |= SelectionKey.OP_READ;
            }
            if (!output.isEmpty()) {
                ops |= SelectionKey.OP_WRITE;
            }
        }
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
    }

    /** Starts the connection: open at once when plain, after the handshake under TLS. */
    void start() {
        if (tls != null) {
            tls.begin();
        } else {
            opened();
        }
    }

    void opened() {
        if (openFuture != null && !openFuture.complete(this)) {
            opened = true;
            close("connect abandoned by caller");
            return;
        }
        opened = true;
        updateInterest();
        if (!output.isEmpty()) {
            loop.markDirty(this);
        }
        try {
            handler.onOpen(this);
        } catch (RuntimeException e) {
            LOG.error("handler failed opening {}", this, e);
            close("internal error: " + e);
        }
    }

    @Override
    public String toString() {
        return (tls != null ? "TLS connection " : "connection ") + remote + " -> " + local;
    }

    /** Routes decoder output to the handler, so a handler bug closes only this connection. */
    private final class Dispatch implements DecodeListener {
        @Override
        public void onPacket(Packet packet) {
            frameCompleted = true;
            if (phase != Phase.ACTIVE) {
                return;
            }
            try {
                handler.onPacket(NioConnection.this, packet);
            } catch (RuntimeException e) {
                LOG.error("handler failed on {} from {}", packet.type(), NioConnection.this, e);
                close("internal error handling " + packet.type() + ": " + e);
            }
        }

        @Override
        public void onLine(String line) {
            frameCompleted = true;
            if (phase != Phase.ACTIVE) {
                return;
            }
            try {
                handler.onLine(NioConnection.this, line);
            } catch (RuntimeException e) {
                LOG.error("handler failed on a text line from {}", NioConnection.this, e);
                close("internal error handling a text line: " + e);
            }
        }

        @Override
        public boolean acceptsText() {
            return handler.acceptsText(NioConnection.this);
        }

        @Override
        public void onError(DecodeError error) {
            if (phase == Phase.CLOSED) {
                return;
            }
            try {
                handler.onDecodeError(NioConnection.this, error);
            } catch (RuntimeException e) {
                LOG.error("handler failed on a decode error from {}", NioConnection.this, e);
                close("internal error: " + e);
            }
        }
    }

    /** A connection's life: each phase only moves forward. */
    private enum Phase {
        /** Reading and writing (under TLS, possibly still handshaking). */
        ACTIVE,
        /** No more input is delivered nor output queued; what is queued is flushed, then it closes. */
        CLOSING,
        /** Output shut down after the last bytes; the peer's input is read and dropped until its FIN. */
        LINGERING,
        /** Closed; the handler has been told. */
        CLOSED
    }
}
