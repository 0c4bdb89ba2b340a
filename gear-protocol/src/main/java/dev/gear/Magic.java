package dev.gear;

/** The four bytes that open every binary packet: {@code \0REQ} toward a server, {@code \0RES} from it. */
public enum Magic {
    /** Packets sent to a server (by clients and workers). */
    REQ(new byte[] {0, 'R', 'E', 'Q'}),
    /** Packets sent by a server, including the WORK_* packets it forwards to clients. */
    RES(new byte[] {0, 'R', 'E', 'S'});

    private final byte[] bytes;

    Magic(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of the four magic bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    int asInt() {
        return (bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3];
    }

    /** The magic encoded by the four big-endian bytes {@code value}, or {@code null}. */
    public static Magic fromInt(int value) {
        for (Magic m : values()) {
            if (m.asInt() == value) {
                return m;
            }
        }
        return null;
    }

    /** Renders as on the wire, for example {@code \0REQ}. */
    @Override
    public String toString() {
        return "\\0" + name();
    }
}
