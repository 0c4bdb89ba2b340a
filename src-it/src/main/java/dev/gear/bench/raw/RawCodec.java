package dev.gear.bench.raw;

import java.nio.ByteBuffer;

/**
 * The few Gearman binary packets the raw load generator sends and reads, written straight into and
 * read straight out of {@link ByteBuffer}s (no packet objects, no copies of bodies), so that the
 * generator costs little next to the server it measures. Deliberately independent of the library's
 * {@code Packet} and codec: the benchmark must not measure our own encoder on both sides.
 *
 * <p>A packet is a 12-byte header ({@code \0REQ} or {@code \0RES}, type, body length, big-endian)
 * and a body whose arguments are separated by NUL bytes.
 */
public final class RawCodec {
    public static final int HEADER = 12;
    /** {@code "\0REQ"} and {@code "\0RES"} as big-endian ints. */
    public static final int REQ = 0x00524551;
    public static final int RES = 0x00524553;

    public static final int CAN_DO = 1;
    public static final int PRE_SLEEP = 4;
    public static final int NOOP = 6;
    public static final int SUBMIT_JOB = 7;
    public static final int JOB_CREATED = 8;
    public static final int GRAB_JOB = 9;
    public static final int NO_JOB = 10;
    public static final int JOB_ASSIGN = 11;
    public static final int WORK_COMPLETE = 13;
    public static final int WORK_FAIL = 14;
    public static final int ECHO_REQ = 16;
    public static final int ECHO_RES = 17;
    public static final int SUBMIT_JOB_BG = 18;
    public static final int ERROR = 19;
    public static final int WORK_EXCEPTION = 25;
    public static final int WORK_DATA = 28;
    public static final int WORK_WARNING = 29;

    /** Largest body the generator accepts (the server's default limit is far below). */
    public static final int MAX_BODY = 64 << 20;

    private RawCodec() {
    }

    /** Writes a header for a request of {@code type} whose body is {@code bodyLength} bytes. */
    public static void requestHeader(ByteBuffer out, int type, int bodyLength) {
        out.putInt(REQ).putInt(type).putInt(bodyLength);
    }

    /** A request with an empty body (GRAB_JOB, PRE_SLEEP). */
    public static void empty(ByteBuffer out, int type) {
        requestHeader(out, type, 0);
    }

    /** A request with one argument (CAN_DO, ECHO_REQ). */
    public static void oneArgument(ByteBuffer out, int type, byte[] argument) {
        requestHeader(out, type, argument.length);
        out.put(argument);
    }

    /**
     * SUBMIT_JOB or SUBMIT_JOB_BG: {@code function\0unique\0payload}. The unique is empty when
     * {@code uniqueNumber < 0}, else the decimal digits of {@code uniqueNumber} (written without
     * making a String).
     */
    public static void submit(ByteBuffer out, int type, byte[] function, long uniqueNumber, byte[] payload) {
        int uniqueLength = uniqueNumber < 0 ? 0 : digits(uniqueNumber);
        requestHeader(out, type, function.length + 1 + uniqueLength + 1 + payload.length);
        out.put(function).put((byte) 0);
        if (uniqueLength > 0) {
            int end = out.position() + uniqueLength;
            long n = uniqueNumber;
            for (int i = end - 1; i >= out.position(); i--) {
                out.put(i, (byte) ('0' + n % 10));
                n /= 10;
            }
            out.position(end);
        }
        out.put((byte) 0).put(payload);
    }

    /**
     * WORK_COMPLETE {@code handle\0data}, both copied from {@code in} (the JOB_ASSIGN being answered)
     * without an intermediate array.
     */
    public static void workComplete(ByteBuffer out, ByteBuffer in, int handleAt, int handleLength, int dataAt,
            int dataLength) {
        requestHeader(out, WORK_COMPLETE, handleLength + 1 + dataLength);
        out.put(out.position(), in, handleAt, handleLength);
        out.position(out.position() + handleLength);
        out.put((byte) 0);
        out.put(out.position(), in, dataAt, dataLength);
        out.position(out.position() + dataLength);
    }

    /**
     * The length of the whole packet starting at {@code in.position()}, or -1 when its header is not
     * complete yet. The packet itself may still be incomplete ({@code in.remaining()} smaller).
     *
     * @throws IllegalStateException when the magic is not {@code expectedMagic} or the length is absurd
     */
    public static int packetLength(ByteBuffer in, int expectedMagic) {
        int at = in.position();
        if (in.limit() - at < HEADER) {
            return -1;
        }
        int magic = in.getInt(at);
        int length = in.getInt(at + 8);
        if (magic != expectedMagic) {
            throw new IllegalStateException(String.format("bad magic 0x%08x (type %d)", magic, in.getInt(at + 4)));
        }
        if (length < 0 || length > MAX_BODY) {
            throw new IllegalStateException("absurd body length " + Integer.toUnsignedString(length));
        }
        return HEADER + length;
    }

    /** The type of the packet at {@code packetAt}. */
    public static int type(ByteBuffer in, int packetAt) {
        return in.getInt(packetAt + 4);
    }

    /** The body length of the packet at {@code packetAt}. */
    public static int bodyLength(ByteBuffer in, int packetAt) {
        return in.getInt(packetAt + 8);
    }

    /** Index of the first NUL in {@code in[from, to)}, or {@code to} when there is none (the last argument). */
    public static int argumentEnd(ByteBuffer in, int from, int to) {
        for (int i = from; i < to; i++) {
            if (in.get(i) == 0) {
                return i;
            }
        }
        return to;
    }

    /** Whether {@code in[at, at + length)} equals {@code bytes[0, length)}. */
    public static boolean equalBytes(ByteBuffer in, int at, byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (in.get(at + i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    private static int digits(long n) {
        int d = 1;
        while (n >= 10) {
            n /= 10;
            d++;
        }
        return d;
    }
}
