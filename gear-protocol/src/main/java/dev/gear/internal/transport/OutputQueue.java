package dev.gear.internal.transport;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.internal.codec.PacketAccess;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What a connection has queued and not yet written: packets and raw byte arrays, kept as the
 * objects the caller gave (no header buffer, no wrapper per packet). The loop encodes them
 * straight into its one direct write buffer at flush time ({@link #copyTo}) and then drops what
 * the socket took ({@link #consume}); a packet the socket took only part of stays at the head with
 * an offset. A ring of slots instead of an {@code ArrayDeque} so that walking it allocates no
 * iterator. Loop thread only.
 */
final class OutputQueue {
    private static final byte[] REQ = Magic.REQ.bytes();
    private static final byte[] RES = Magic.RES.bytes();

    /**
     * {@link Packet}, {@code byte[]} or {@link Slice}, as the caller gave them: an {@code Object}
     * ring rather than a sealed wrapper type, because a wrapper would cost an allocation for every
     * frame queued on the hot path (a JOB_CREATED, a forwarded WORK_COMPLETE); only {@link #push}
     * adds to it, and only these three kinds.
     */
    private Object[] items = new Object[16];
    private int head;
    private int size;
    /** Bytes of the head item already written. */
    private int headOffset;
    private long bytes;

    boolean isEmpty() {
        return size == 0;
    }

    /** Bytes queued and not yet consumed. */
    long bytes() {
        return bytes;
    }

    void add(Packet packet) {
        push(packet, Packet.HEADER_LENGTH + packet.bodyLength());
    }

    void add(byte[] raw) {
        push(raw, raw.length);
    }

    /**
     * Queues {@code length} bytes of {@code array} from {@code offset}, without copying them: a
     * large payload kept inside a bigger array (a job's data inside its SUBMIT body) goes out from
     * where it lies. The caller must not modify the range until it is written.
     */
    void add(byte[] array, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, array.length);
        if (offset == 0 && length == array.length) {
            push(array, length); // the whole array: queued as it is, no Slice to allocate
        } else {
            push(new Slice(array, offset, length), length);
        }
    }

    private void push(Object item, int length) {
        if (length == 0) {
            return; // nothing to write, and an empty item would never be consumed
        }
        if (size == items.length) {
            Object[] bigger = new Object[items.length * 2];
            for (int i = 0; i < size; i++) {
                bigger[i] = items[(head + i) & (items.length - 1)];
            }
            items = bigger;
            head = 0;
        }
        items[(head + size) & (items.length - 1)] = item;
        size++;
        bytes += length;
    }

    /**
     * Encodes queued bytes, from the first unwritten one, into {@code dst} until it is full or the
     * queue is exhausted. Consumes nothing: call {@link #consume} with what was actually written.
     */
    void copyTo(ByteBuffer dst) {
        int mask = items.length - 1;
        int offset = headOffset;
        for (int i = 0; i < size && dst.hasRemaining(); i++) {
            Object item = items[(head + i) & mask];
            if (item instanceof Packet packet) {
                copyPacket(packet, offset, dst);
            } else if (item instanceof byte[] raw) {
                dst.put(raw, offset, Math.min(raw.length - offset, dst.remaining()));
            } else if (item instanceof Slice slice) {
                dst.put(slice.array, slice.offset + offset, Math.min(slice.length - offset, dst.remaining()));
            }
            offset = 0;
        }
    }

    private static void copyPacket(Packet packet, int offset, ByteBuffer dst) {
        byte[] body = PacketAccess.body(packet);
        if (offset == 0 && dst.remaining() >= Packet.HEADER_LENGTH) {
            dst.put(packet.magic() == Magic.REQ ? REQ : RES).putInt(packet.type().code()).putInt(body.length);
        } else {
            // Rare: the header itself straddles a buffer boundary or a partial write.
            for (; offset < Packet.HEADER_LENGTH && dst.hasRemaining(); offset++) {
                dst.put(headerByte(packet, body.length, offset));
            }
            if (offset < Packet.HEADER_LENGTH) {
                return;
            }
        }
        int from = Math.max(0, offset - Packet.HEADER_LENGTH);
        dst.put(body, from, Math.min(body.length - from, dst.remaining()));
    }

    private static byte headerByte(Packet packet, int bodyLength, int index) {
        if (index < 4) {
            return (packet.magic() == Magic.REQ ? REQ : RES)[index];
        }
        int value = index < 8 ? packet.type().code() : bodyLength;
        return (byte) (value >>> (8 * (3 - (index & 3))));
    }

    /** Drops the first {@code n} queued bytes (written to the socket or taken by TLS). */
    void consume(long n) {
        bytes -= n;
        long left = n;
        while (left > 0) {
            long rest = lengthOf(items[head]) - headOffset;
            if (left < rest) {
                headOffset += (int) left;
                return;
            }
            left -= rest;
            pop();
        }
    }

    private static int lengthOf(Object item) {
        if (item instanceof Packet packet) {
            return Packet.HEADER_LENGTH + packet.bodyLength();
        }
        if (item instanceof byte[] raw) {
            return raw.length;
        }
        return ((Slice) item).length; // push() queues nothing else
    }

    /** Part of an array, queued as it is. */
    private static final class Slice {
        final byte[] array;
        final int offset;
        final int length;

        Slice(byte[] array, int offset, int length) {
            this.array = array;
            this.offset = offset;
            this.length = length;
        }
    }

    private void pop() {
        items[head] = null;
        head = (head + 1) & (items.length - 1);
        size--;
        headOffset = 0;
    }

    void clear() {
        Arrays.fill(items, null);
        head = 0;
        size = 0;
        headOffset = 0;
        bytes = 0;
    }
}
