package dev.gear.bench.raw;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One non-blocking connection of the raw generator: reads whole packets out of its input buffer
 * and hands them to {@link #onPacket}, which appends requests to {@link #out}; everything appended
 * while handling one read goes out in one write. Buffers are direct (no copy into a temporary
 * direct buffer on every system call) and grow only when a packet does not fit.
 */
public abstract class RawConnection {
    protected ByteBuffer in;
    protected ByteBuffer out;
    private SocketChannel channel;
    private SelectionKey key;
    private boolean closed;

    protected RawConnection(int bufferBytes) {
        in = ByteBuffer.allocateDirect(bufferBytes);
        out = ByteBuffer.allocateDirect(bufferBytes);
    }

    void attach(SocketChannel channel, SelectionKey key) {
        this.channel = channel;
        this.key = key;
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
            int n = channel.read(in);
            if (n < 0) {
                fail("server closed the connection");
                return;
            }
            in.flip();
            while (true) {
                int length = RawCodec.packetLength(in, RawCodec.RES);
                if (length < 0 || in.remaining() < length) {
                    if (length > in.capacity()) {
                        ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(length, in.capacity() * 2));
                        bigger.put(in);
                        in = bigger;
                        break;
                    }
                    in.compact();
                    break;
                }
                int at = in.position();
                onPacket(RawCodec.type(in, at), in, at + RawCodec.HEADER, length - RawCodec.HEADER);
                in.position(at + length);
            }
            flush();
        } catch (IOException | RuntimeException e) {
            fail(e.toString());
        }
    }

    /** Writes what {@link #out} holds; what the socket does not take waits for OP_WRITE. */
    public final void flush() {
        if (closed || out.position() == 0) {
            return;
        }
        try {
            out.flip();
            channel.write(out);
            out.compact();
            key.interestOps(out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        } catch (IOException e) {
            fail(e.toString());
        }
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
