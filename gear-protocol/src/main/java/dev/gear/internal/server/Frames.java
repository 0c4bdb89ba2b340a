package dev.gear.internal.server;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.codec.WireBytes;

/**
 * Responses whose fields are not in any one array yet, built as one array, header and body (or
 * header and the head of the body, its tail queued from where it lies), and queued with
 * {@link dev.gear.internal.transport.NioConnection#sendBytes}: for the frequent JOB_CREATED and
 * JOB_ASSIGN that is one small allocation instead of a Packet and a body. The bytes are exactly what
 * {@link Packet#writeTo} would produce.
 */
final class Frames {
    private Frames() {
    }

    /** A zeroed frame of {@code bodyLength} body bytes with its RES header written. */
    static byte[] header(PacketType type, int bodyLength) {
        return header(type, bodyLength, Packet.HEADER_LENGTH + bodyLength);
    }

    /**
     * A zeroed array of {@code arrayLength} bytes starting with the RES header of a frame whose body
     * is {@code bodyLength} bytes: the frame's head, when its tail is queued from another array.
     */
    static byte[] header(PacketType type, int bodyLength, int arrayLength) {
        return WireBytes.frameWithHeader(Magic.RES, type, bodyLength, arrayLength);
    }

    /** Copies {@code bytes} to {@code at}; returns the position after them. */
    static int put(byte[] frame, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, frame, at, bytes.length);
        return at + bytes.length;
    }
}
