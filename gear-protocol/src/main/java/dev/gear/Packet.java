package dev.gear;

import dev.gear.internal.codec.WireBytes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One binary Gearman packet: magic, type and body. Immutable.
 *
 * <p>The body is split into fields by the type's layout ({@link PacketType#argumentCount()},
 * {@link PacketType#hasData()}), not by NUL: the data tail of a SUBMIT_JOB may contain NULs and
 * still be one field. Build packets with {@link #request(PacketType, byte[]...)} or
 * {@link #response(PacketType, byte[]...)}, which place the separators for you.
 */
public final class Packet {
    /** Size of the fixed header: magic, type and body length, four bytes each. */
    public static final int HEADER_LENGTH = 12;

    private static final byte[] EMPTY = new byte[0];
    /** The bounds of every type without separators: its one field, if any, starts at 0. Read only. */
    private static final int[] NO_SEPARATOR_BOUNDS = {0};

    private final Magic magic;
    private final PacketType type;
    private final byte[] body;
    /**
     * Start offset of each field (one entry per field, at least one), computed on the first field
     * access; possibly the shared {@code NO_SEPARATOR_BOUNDS}. Volatile: a packet may be read by
     * a thread other than the one that decoded it, and the array must be seen whole.
     */
    private volatile int[] bounds;

    Packet(Magic magic, PacketType type, byte[] body) {
        this.magic = Objects.requireNonNull(magic, "magic");
        this.type = Objects.requireNonNull(type, "type");
        this.body = Objects.requireNonNull(body, "body");
    }

    /** A packet with a raw body (copied), as it would travel on the wire. */
    public static Packet of(Magic magic, PacketType type, byte[] body) {
        return new Packet(magic, type, body.clone());
    }

    /** A REQ packet of a type without fields (GRAB_JOB, PRE_SLEEP, ...). */
    public static Packet request(PacketType type) {
        return request(type, new byte[0][]);
    }

    /** A RES packet of a type without fields (NOOP, NO_JOB). */
    public static Packet response(PacketType type) {
        return response(type, new byte[0][]);
    }

    /** A REQ packet (client or worker to server) built from its fields. */
    public static Packet request(PacketType type, byte[]... fields) {
        return new Packet(Magic.REQ, type, join(type, fields));
    }

    /** A REQ packet whose fields are given as UTF-8 text. */
    public static Packet request(PacketType type, String... fields) {
        return request(type, utf8(fields));
    }

    /** A RES packet (server to client or worker) built from its fields. */
    public static Packet response(PacketType type, byte[]... fields) {
        return new Packet(Magic.RES, type, join(type, fields));
    }

    /** A RES packet whose fields are given as UTF-8 text. */
    public static Packet response(PacketType type, String... fields) {
        return response(type, utf8(fields));
    }

    public Magic magic() {
        return magic;
    }

    public PacketType type() {
        return type;
    }

    /** A copy of the whole body. */
    public byte[] body() {
        return body.clone();
    }

    /** Length of the body in bytes (the header's length field). */
    public int bodyLength() {
        return body.length;
    }

    /** The same type and body under another magic (the server forwards WORK_* with RES). */
    public Packet withMagic(Magic newMagic) {
        return newMagic == magic ? this : new Packet(newMagic, type, body);
    }

    /**
     * Whether the body holds the separators its type needs. Packets from the decoder have been
     * checked; packets made with {@link #of} may not be.
     */
    public boolean isWellFormed() {
        // Checked, not recorded: the decoder checks every packet, and the server reads the hot
        // ones (SUBMIT_JOB, WORK_COMPLETE) from the body itself, so a bounds array made here
        // would be one more allocation per packet, never read.
        return bounds != null || scanFields(null) >= 0;
    }

    /** Number of fields: the type's arguments plus its data tail, if it has one. */
    public int fieldCount() {
        return type.fieldCount();
    }

    /**
     * Field {@code index} (0-based; the data tail, when the type has one, is the last index).
     *
     * @throws InvalidDataException when the body lacks the separators its type needs
     * @throws IndexOutOfBoundsException when the type has no such field
     */
    public byte[] field(int index) {
        int[] b = bounds();
        Objects.checkIndex(index, type.fieldCount());
        int start = b[index];
        int end = index + 1 < type.fieldCount() ? b[index + 1] - 1 : body.length;
        return start == end ? EMPTY : Arrays.copyOfRange(body, start, end);
    }

    /** Field {@code index} decoded as UTF-8. */
    public String fieldString(int index) {
        return new String(field(index), StandardCharsets.UTF_8);
    }

    /** The data tail. @throws IllegalStateException when the type has none */
    public byte[] data() {
        if (!type.hasData()) {
            throw new IllegalStateException(type + " packets carry no data field");
        }
        return field(type.argumentCount());
    }

    /** The packet as it goes on the wire. */
    public byte[] toBinary() {
        ByteBuffer out = ByteBuffer.allocate(HEADER_LENGTH + body.length);
        writeTo(out);
        return out.array();
    }

    /** Writes header and body into {@code out}, which must have {@link #encodedLength()} bytes left. */
    public void writeTo(ByteBuffer out) {
        out.put(magic == Magic.REQ ? REQ_BYTES : RES_BYTES);
        out.putInt(type.code());
        out.putInt(body.length);
        out.put(body);
    }

    /** Header plus body length. */
    public int encodedLength() {
        return HEADER_LENGTH + body.length;
    }

    private static final byte[] REQ_BYTES = Magic.REQ.bytes();
    private static final byte[] RES_BYTES = Magic.RES.bytes();

    private int[] bounds() {
        int[] b = computeBounds();
        if (b == null) {
            throw new InvalidDataException(describeMalformed(type, body));
        }
        return b;
    }

    private int[] computeBounds() {
        int[] b = bounds;
        if (b != null) {
            return b;
        }
        if (type.requiredSeparators() == 0) {
            // GRAB_JOB, PRE_SLEEP, ECHO_REQ...: every field (at most the data tail) starts at 0;
            // one shared, never written array instead of one per packet.
            bounds = NO_SEPARATOR_BOUNDS;
            return NO_SEPARATOR_BOUNDS;
        }
        b = new int[type.fieldCount()];
        if (scanFields(b) < 0) {
            return null;
        }
        bounds = b;
        return b;
    }

    /**
     * Walks the body's required separators, writing each field's start offset into {@code starts}
     * when it is not null (the data tail's too, when the type has one). Returns the offset after
     * the last separator, or -1 when one is missing.
     */
    private int scanFields(int[] starts) {
        int separators = type.requiredSeparators();
        int pos = 0;
        for (int i = 0; i < separators; i++) {
            int nul = WireBytes.indexOfNul(body, pos);
            if (nul < 0) {
                return -1;
            }
            if (starts != null) {
                starts[i] = pos;
            }
            pos = nul + 1;
        }
        if (starts != null && starts.length > separators) {
            starts[separators] = pos;
        }
        return pos;
    }

    /** The message an ill-formed body gets; shared with the decoder so both say the same. */
    static String describeMalformed(PacketType type, byte[] body) {
        int found = 0;
        for (byte x : body) {
            if (x == 0) {
                found++;
            }
        }
        return type + " needs " + type.requiredSeparators() + " NUL-separated argument"
                + (type.requiredSeparators() == 1 ? "" : "s")
                + (type.hasData() ? " before its data" : "")
                + ", but its " + body.length + "-byte body has " + found + " NUL" + (found == 1 ? "" : "s");
    }

    private static byte[] join(PacketType type, byte[]... fields) {
        if (fields.length != type.fieldCount()) {
            throw new IllegalArgumentException(type + " has " + type.fieldCount() + " field"
                    + (type.fieldCount() == 1 ? "" : "s") + ", got " + fields.length);
        }
        int separators = type.requiredSeparators();
        int length = separators;
        for (int i = 0; i < fields.length; i++) {
            Objects.requireNonNull(fields[i], "field " + i);
            if (i < separators && WireBytes.indexOfNul(fields[i], 0) >= 0) {
                throw new InvalidDataException(
                        "field " + i + " of " + type + " contains a NUL byte, which would end it early");
            }
            length += fields[i].length;
        }
        byte[] out = new byte[length];
        int pos = 0;
        for (int i = 0; i < fields.length; i++) {
            System.arraycopy(fields[i], 0, out, pos, fields[i].length);
            pos += fields[i].length;
            if (i < separators) {
                out[pos++] = 0;
            }
        }
        return out;
    }

    private static byte[][] utf8(String... fields) {
        byte[][] out = new byte[fields.length][];
        for (int i = 0; i < fields.length; i++) {
            out[i] = Objects.requireNonNull(fields[i], "field " + i).getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    /** Fields split by layout; for tests and logs. */
    public List<byte[]> fields() {
        List<byte[]> out = new ArrayList<>(type.fieldCount());
        for (int i = 0; i < type.fieldCount(); i++) {
            out.add(field(i));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Packet p)) {
            return false;
        }
        return magic == p.magic && type == p.type && Arrays.equals(body, p.body);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * magic.hashCode() + type.hashCode()) + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder().append(magic).append(' ').append(type).append('(');
        if (computeBounds() == null) {
            sb.append("malformed, ").append(body.length).append(" bytes");
        } else {
            for (int i = 0; i < type.fieldCount(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                sb.append(Printable.of(field(i), 64));
            }
        }
        return sb.append(')').toString();
    }

    static {
        dev.gear.internal.codec.PacketAccess.install(new dev.gear.internal.codec.PacketAccess() {
            @Override
            protected Packet newPacket(Magic magic, PacketType type, byte[] body) {
                return new Packet(magic, type, body);
            }

            @Override
            protected byte[] bodyWithoutCopy(Packet packet) {
                return packet.body;
            }

            @Override
            protected String malformed(PacketType type, byte[] body) {
                return describeMalformed(type, body);
            }
        });
    }
}
