package dev.gear.internal.codec;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental decoder for one Gearman byte stream: binary packets and text lines, interleaved.
 *
 * <p>Feed it whatever a read returned; a packet split at any byte, or many packets in one read,
 * decode the same. The first byte of each new frame decides: {@code 0x00} starts a 12-byte binary
 * header, anything else a text line ending in {@code \n}. Memory follows what has arrived, not
 * what a header declares: a body buffer starts small and grows as bytes come in, and a declared
 * length above the limit is refused before anything is allocated.
 *
 * <p>Not thread-safe: one decoder per connection, used by the thread that reads it.
 */
public final class FrameDecoder {
    private static final int INITIAL_BODY_CAPACITY = 64 * 1024;
    private static final byte[] EMPTY = new byte[0];

    private enum State { FRAME_START, HEADER, BODY, SKIP, LINE, FAILED }

    private final long maxPacketSize;
    private final int maxLineLength;

    private State state = State.FRAME_START;
    private final byte[] header = new byte[Packet.HEADER_LENGTH];
    private int headerFilled;
    private Magic magic;
    private PacketType type;
    private long typeCode;
    private byte[] body;
    private int bodyLength;
    private int bodyFilled;
    /**
     * The larger body length of the last two packets: the next read's size hint between frames
     * (two, because a worker alternates a large WORK_COMPLETE with an empty GRAB_JOB).
     */
    private int recentBodyLength;
    private int lastBodyLength;
    private long skipRemaining;
    private byte[] line = new byte[128];
    private int lineFilled;

    /**
     * @param maxPacketSize largest body length accepted, in bytes
     * @param maxLineLength largest text line accepted, in bytes, without its line end
     */
    public FrameDecoder(long maxPacketSize, int maxLineLength) {
        if (maxPacketSize < 0 || maxPacketSize > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("maxPacketSize must be in [0, 2^31-17], was " + maxPacketSize);
        }
        if (maxLineLength < 1) {
            throw new IllegalArgumentException("maxLineLength must be positive, was " + maxLineLength);
        }
        this.maxPacketSize = maxPacketSize;
        this.maxLineLength = maxLineLength;
    }

    /** Whether a fatal error ended decoding. */
    public boolean failed() {
        return state == State.FAILED;
    }

    /** Whether the decoder sits between frames (nothing partial is buffered). */
    public boolean atFrameBoundary() {
        return state == State.FRAME_START;
    }

    /**
     * How many bytes the next read could usefully take: the rest of the body in progress, or, between
     * frames, a header plus the larger of the last two bodies (a peer that sent a large body
     * usually sends more, and a read that brings header and body together spares the body array
     * from growing).
     */
    public long readHint() {
        return switch (state) {
            case BODY -> bodyLength - bodyFilled;
            case FRAME_START, HEADER -> Packet.HEADER_LENGTH + (long) recentBodyLength;
            default -> 0;
        };
    }

    /** Bytes buffered for the frame in progress (for limits and diagnostics). */
    public long bufferedBytes() {
        return switch (state) {
            case HEADER -> headerFilled;
            case BODY -> Packet.HEADER_LENGTH + (long) bodyFilled;
            case LINE -> lineFilled;
            default -> 0;
        };
    }

    /**
     * Bytes of heap this decoder holds for frames (header, body and line buffers, by capacity): what
     * a peer has really cost, whatever length it declared. Tests use it to prove that a declared but
     * undelivered body is not allocated.
     */
    public long allocatedBytes() {
        return header.length + (body == null ? 0 : body.length) + line.length;
    }

    /** Consumes all of {@code in} (unless a fatal error stops it), reporting frames to {@code listener}. */
    public void decode(ByteBuffer in, DecodeListener listener) {
        while (in.hasRemaining()) {
            switch (state) {
                case FAILED -> {
                    in.position(in.limit());
                    return;
                }
                case FRAME_START -> {
                    if (in.get(in.position()) == 0) {
                        state = State.HEADER;
                    } else if (listener.acceptsText()) {
                        state = State.LINE;
                    } else {
                        failUnexpectedText(in, listener);
                    }
                }
                case HEADER -> readHeader(in, listener);
                case BODY -> readBody(in, listener);
                case SKIP -> {
                    int n = (int) Math.min(skipRemaining, in.remaining());
                    in.position(in.position() + n);
                    skipRemaining -= n;
                    if (skipRemaining == 0) {
                        state = State.FRAME_START;
                    }
                }
                case LINE -> readLine(in, listener);
                default -> throw new AssertionError(state);
            }
        }
        // A frame with an empty body is complete as soon as its header is.
    }

    private void readHeader(ByteBuffer in, DecodeListener listener) {
        int magicValue;
        long length;
        if (headerFilled == 0 && in.remaining() >= Packet.HEADER_LENGTH && in.order() == ByteOrder.BIG_ENDIAN) {
            // The usual case: the whole header is in this read; take it without copying it.
            int p = in.position();
            magicValue = in.getInt(p);
            typeCode = Integer.toUnsignedLong(in.getInt(p + 4));
            length = Integer.toUnsignedLong(in.getInt(p + 8));
            in.position(p + Packet.HEADER_LENGTH);
        } else {
            int n = Math.min(Packet.HEADER_LENGTH - headerFilled, in.remaining());
            in.get(header, headerFilled, n);
            headerFilled += n;
            if (headerFilled < Packet.HEADER_LENGTH) {
                return;
            }
            headerFilled = 0;
            magicValue = intAt(header, 0);
            typeCode = Integer.toUnsignedLong(intAt(header, 4));
            length = Integer.toUnsignedLong(intAt(header, 8));
        }
        magic = Magic.fromInt(magicValue);
        if (magic == null) {
            byte[] magicBytes = {(byte) (magicValue >>> 24), (byte) (magicValue >>> 16), (byte) (magicValue >>> 8),
                (byte) magicValue};
            fail(listener, "INVALID_MAGIC", String.format(
                    "Packet magic must be \\0REQ or \\0RES, got %s; framing is lost", escape(magicBytes)));
            return;
        }
        if (length > maxPacketSize) {
            fail(listener, "ARGUMENT_TOO_LARGE", "Packet of type " + typeName(typeCode)
                    + " declares a " + length + "-byte body; the limit is " + maxPacketSize + " bytes");
            return;
        }
        type = PacketType.fromCode(typeCode);
        if (type == null) {
            listener.onError(new DecodeError("INVALID_COMMAND",
                    "Unknown packet type " + typeCode + " (valid types are 1 to " + PacketType.MAX_CODE + ")",
                    false, magic));
            skipRemaining = length;
            state = length == 0 ? State.FRAME_START : State.SKIP;
            return;
        }
        bodyLength = (int) length;
        recentBodyLength = Math.max(bodyLength, lastBodyLength);
        lastBodyLength = bodyLength;
        bodyFilled = 0;
        if (bodyLength == 0) {
            body = EMPTY;
            finishPacket(listener);
        } else {
            // Twice what this read already brought (at least the initial capacity): when a large
            // read delivered most of the body, its array is made once at its final size and never
            // copied to grow. Still at most twice the bytes that really arrived.
            body = new byte[(int) Math.min(bodyLength, Math.max(INITIAL_BODY_CAPACITY, 2L * in.remaining()))];
            state = State.BODY;
        }
    }

    private void readBody(ByteBuffer in, DecodeListener listener) {
        if (bodyFilled == body.length) {
            // Grow only as data actually arrives, never to a length merely declared: at least
            // double (so a large body costs a linear number of copied bytes), or at once to twice
            // everything arrived with this read (so a read that brings nearly all of the body
            // makes the last growth too: the body is not copied once more for its last bytes).
            long wanted = Math.max(2L * body.length, 2L * ((long) bodyFilled + in.remaining()));
            body = Arrays.copyOf(body, (int) Math.min(bodyLength, wanted));
        }
        int n = Math.min(body.length - bodyFilled, in.remaining());
        in.get(body, bodyFilled, n);
        bodyFilled += n;
        if (bodyFilled == bodyLength) {
            finishPacket(listener);
        }
    }

    private void finishPacket(DecodeListener listener) {
        byte[] complete = body;
        body = null;
        state = State.FRAME_START;
        Packet packet = PacketAccess.wrap(magic, type, complete);
        if (!packet.isWellFormed()) {
            listener.onError(new DecodeError("INVALID_ARGUMENTS",
                    PacketAccess.malformedMessage(type, complete), false, magic));
            return;
        }
        listener.onPacket(packet);
    }

    private void readLine(ByteBuffer in, DecodeListener listener) {
        int start = in.position();
        int limit = in.limit();
        int newline = -1;
        for (int i = start; i < limit; i++) {
            if (in.get(i) == '\n') {
                newline = i;
                break;
            }
        }
        int end = newline < 0 ? limit : newline;
        int n = end - start;
        if (lineFilled + n > maxLineLength + 1) { // +1 leaves room for a '\r' before '\n'
            failLine(listener);
            return;
        }
        if (lineFilled + n > line.length) {
            line = Arrays.copyOf(line, Math.max(lineFilled + n, Math.min(2 * line.length, maxLineLength + 1)));
        }
        in.get(line, lineFilled, n);
        lineFilled += n;
        if (newline < 0) {
            return;
        }
        in.get(); // the '\n'
        int length = lineFilled;
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        if (length > maxLineLength) {
            failLine(listener);
            return;
        }
        String text = new String(line, 0, length, StandardCharsets.UTF_8);
        lineFilled = 0;
        if (line.length > 4096) {
            line = new byte[128];
        }
        state = State.FRAME_START;
        listener.onLine(text);
    }

    private void failLine(DecodeListener listener) {
        magic = null; // a text frame has no magic; never report the last binary packet's
        fail(listener, "LINE_TOO_LONG", "Text line longer than " + maxLineLength + " bytes");
    }

    /** Bytes that start no frame the listener accepts: named (the first 32 that arrived) in the error. */
    private void failUnexpectedText(ByteBuffer in, DecodeListener listener) {
        byte[] seen = new byte[Math.min(32, in.remaining())];
        in.get(in.position(), seen);
        magic = null;
        fail(listener, "UNEXPECTED_TEXT", "unexpected bytes where a packet should start, with no admin request "
                + "pending: \"" + escape(seen) + "\"" + (in.remaining() > seen.length ? "..." : "")
                + "; framing is lost");
    }

    private void fail(DecodeListener listener, String code, String message) {
        state = State.FAILED;
        body = null;
        listener.onError(new DecodeError(code, message, true, magic));
    }

    private static int intAt(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    private static String typeName(long code) {
        PacketType t = PacketType.fromCode(code);
        return t == null ? String.valueOf(code) : t.name();
    }

    private static String escape(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.toString();
    }
}
