package dev.gear.internal.codec;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import java.util.Arrays;

/**
 * The byte-level helpers every part of the stack needs to read and write Gearman frames, each
 * written once: finding a field's NUL, trimming the NULs gearmand pads some fields with, and the
 * 12-byte header ({@code \0REQ}/{@code \0RES}, type, body length, all big-endian).
 */
public final class WireBytes {
    private WireBytes() {
    }

    /** The index of the first NUL in {@code bytes} at or after {@code from}, or -1 when there is none. */
    public static int indexOfNul(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** True when {@code bytes} holds a NUL anywhere. */
    public static boolean containsNul(byte[] bytes) {
        return indexOfNul(bytes, 0) >= 0;
    }

    /**
     * {@code bytes} without the NULs at its end (the same array when there are none): some servers
     * end a last field with a NUL that is not part of its value.
     */
    public static byte[] stripTrailingNuls(byte[] bytes) {
        int n = bytes.length;
        while (n > 0 && bytes[n - 1] == 0) {
            n--;
        }
        return n == bytes.length ? bytes : Arrays.copyOf(bytes, n);
    }

    /**
     * Writes the 12-byte header of a frame of {@code bodyLength} body bytes at the start of
     * {@code frame}: the magic, the type's code and the length.
     */
    public static void writeHeader(byte[] frame, Magic magic, PacketType type, int bodyLength) {
        // \0REQ or \0RES; spelled out rather than copied from Magic.bytes(), which clones.
        frame[0] = 0;
        frame[1] = 'R';
        frame[2] = 'E';
        frame[3] = magic == Magic.REQ ? (byte) 'Q' : (byte) 'S';
        putInt(frame, 4, type.code());
        putInt(frame, 8, bodyLength);
    }

    /** A zeroed array of {@code arrayLength} bytes starting with the header of a frame of {@code bodyLength} body bytes. */
    public static byte[] frameWithHeader(Magic magic, PacketType type, int bodyLength, int arrayLength) {
        if (arrayLength < Packet.HEADER_LENGTH) {
            throw new IllegalArgumentException("a frame needs at least " + Packet.HEADER_LENGTH + " bytes, got " + arrayLength);
        }
        byte[] frame = new byte[arrayLength];
        writeHeader(frame, magic, type, bodyLength);
        return frame;
    }

    /** Writes {@code value} big-endian at {@code at}. */
    public static void putInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }
}
