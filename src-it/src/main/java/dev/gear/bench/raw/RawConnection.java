package dev.gear.bench.raw;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * One non-blocking connection of the raw generator: reads whole packets out of its input buffer
 * and hands them to {@link #onPacket}, which appends requests to {@link #out}; everything appended
 * while handling one read goes out in one write. Buffers are direct (no copy into a temporary
 * direct buffer on every system call) and grow only when a packet does not fit.
 *
 * <p>Over TLS ({@link TlsHandshake} done before the loop takes the connection) the same buffers
 * hold plaintext, and two more hold the records: reads unwrap into {@link #in}, flushes wrap all of
 * {@link #out}.
 */
public abstract class RawConnection {
    protected ByteBuffer in;
    protected ByteBuffer out;
    private SocketChannel channel;
    private SelectionKey key;
    private boolean closed;
    private SSLEngine tls;
    private ByteBuffer netIn;
    private ByteBuffer netOut;

    protected RawConnection(int bufferBytes) {
        in = ByteBuffer.allocateDirect(bufferBytes);
        out = ByteBuffer.allocateDirect(bufferBytes);
    }

    void attach(SocketChannel channel, SelectionKey key) {
        this.channel = channel;
        this.key = key;
    }

    /** Switches this connection to TLS; {@code netIn} holds what the handshake read beyond itself. */
    void attachTls(SSLEngine engine, ByteBuffer netIn) {
        this.tls = engine;
        this.netIn = netIn;
        this.netOut = ByteBuffer.allocateDirect(2 * engine.getSession().getPacketBufferSize());
        if (in.capacity() < 2 * engine.getSession().getApplicationBufferSize()) {
            in = ByteBuffer.allocateDirect(2 * engine.getSession().getApplicationBufferSize());
        }
    }

    /** Called once on the loop thread when connected; may append requests to {@link #out}. */
    protected abstract void onOpen();

    /**
     * One packet, {@code in[packetAt, packetAt + HEADER + bodyLength)}; valid only during this call.
     * May append requests to {@link #out}.
     */
    protected abstract void onPacket(int type, ByteBuffer in, int bodyAt, int bodyLength);

    /** The connection failed or the server closed it; counted as an error by the subclass. */
    protected abstract void onFailure(String reason);

    /** Makes room for {@code bytes} more in {@link #out}. */
    protected final void reserve(int bytes) {
        if (out.remaining() < bytes) {
            ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(out.capacity() * 2, out.position() + bytes));
            out.flip();
            bigger.put(out);
            out = bigger;
        }
    }

    final void onReadable() {
        try {
            if (tls == null) {
                if (channel.read(in) < 0) {
                    fail("server closed the connection");
                    return;
                }
                drainPackets();
            } else if (!readTls()) {
                fail("server closed the connection");
                return;
            }
            flush();
        } catch (IOException | RuntimeException e) {
            fail(e.toString());
        }
    }

    /** Hands every whole packet in {@link #in} to {@link #onPacket}; keeps a partial one (growing for it). */
    private void drainPackets() {
        in.flip();
        while (true) {
            int length = RawCodec.packetLength(in, RawCodec.RES);
            if (length < 0 || in.remaining() < length) {
                if (length > in.capacity()) {
                    ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(length, in.capacity() * 2));
                    bigger.put(in);
                    in = bigger;
                    return;
                }
                in.compact();
                return;
            }
            int at = in.position();
            onPacket(RawCodec.type(in, at), in, at + RawCodec.HEADER, length - RawCodec.HEADER);
            in.position(at + length);
        }
    }

    /** Reads records and unwraps all of them, handing out packets as plaintext accumulates; false at EOF. */
    private boolean readTls() throws IOException {
        int n = channel.read(netIn);
        netIn.flip();
        try {
            while (netIn.hasRemaining()) {
                SSLEngineResult result = tls.unwrap(netIn, in);
                TlsHandshake.runTasks(tls);
                switch (result.getStatus()) {
                    case CLOSED:
                        return false;
                    case BUFFER_OVERFLOW:
                        drainPackets(); // make room, then make sure a whole record fits
                        int room = tls.getSession().getApplicationBufferSize();
                        if (in.remaining() < room) {
                            ByteBuffer bigger = ByteBuffer.allocateDirect(in.capacity() + room);
                            in.flip();
                            bigger.put(in);
                            in = bigger;
                        }
                        continue;
                    case BUFFER_UNDERFLOW:
                        return n >= 0; // the rest of the record comes with a later read
                    default:
                        if (result.bytesProduced() > 0) {
                            drainPackets();
                        }
                }
            }
            return n >= 0;
        } finally {
            netIn.compact();
        }
    }

    /** Writes what {@link #out} holds; what the socket does not take waits for OP_WRITE. */
    public final void flush() {
        if (closed || out.position() == 0 && (tls == null || netOut.position() == 0)) {
            return;
        }
        try {
            ByteBuffer wire = out;
            if (tls != null) {
                wrapAll();
                wire = netOut;
            }
            wire.flip();
            channel.write(wire);
            wire.compact();
            key.interestOps(wire.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        } catch (IOException e) {
            fail(e.toString());
        }
    }

    /** Moves all of {@link #out} into TLS records in {@link #netOut} (which grows as needed). */
    private void wrapAll() throws SSLException {
        out.flip();
        while (out.hasRemaining()) {
            SSLEngineResult result = tls.wrap(out, netOut);
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                ByteBuffer bigger = ByteBuffer.allocateDirect(netOut.capacity() * 2);
                netOut.flip();
                bigger.put(netOut);
                netOut = bigger;
            } else if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("TLS engine closed");
            }
        }
        out.clear();
    }

    private void fail(String reason) {
        if (!closed) {
            close();
            onFailure(reason);
        }
    }

    /** Closes the socket (on the loop thread). */
    public final void close() {
        if (closed) {
            return;
        }
        closed = true;
        key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
    }

    public final boolean isClosed() {
        return closed;
    }
}
