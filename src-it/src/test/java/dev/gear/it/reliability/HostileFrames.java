package dev.gear.it.reliability;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The hostile frames {@link HostileFuzzIT} sends, drawn from one seeded {@link Random} so a run
 * can be repeated. Each frame is the bytes of one thing a broken or malicious peer might write:
 * a valid packet of any type (server-to-client types included) with or without a mutation, a
 * random frame, a wrong magic, a huge declared length, an admin line (valid, invalid or longer
 * than the server's limit), or the start of a frame followed by a close.
 *
 * <p>Nothing here can stop the server: no admin line contains {@code shutdown}, and packet fields
 * never hold admin text, so a frame the server reads out of step cannot turn into one either.
 * Function names come from a small pool (plus whatever random bodies make), so the jobs and
 * functions the fuzz leaves behind can be cleaned up by name.
 */
public final class HostileFrames {
    /** What kind of frame {@link #next()} made, for the summary. */
    enum Kind {
        VALID, BIT_FLIP, TRUNCATED, WRONG_LENGTH, RANDOM, WRONG_MAGIC, HUGE_LENGTH, ADMIN, ADMIN_OVERLONG,
        CLOSE_MID_HEADER, CLOSE_MID_BODY
    }

    /** One frame: its bytes, its kind, and whether the fuzzer closes the connection right after it. */
    record Frame(Kind kind, byte[] bytes, boolean closeAfter) {
    }

    static final int POOL = 16;
    private static final List<String> ADMIN_WORDS = List.of("status", "workers", "show", "jobs", "unique",
            "prioritystatus", "version", "getpid", "verbose", "cancel", "job", "maxqueue", "create", "drop",
            "function", "acl", "list", "grant", "revoke", "self-revoke", "-1", "0", "99999999999999999999", "fz1",
            "H:nowhere:1", "\t", "  ", "\r");
    private static final PacketType[] TYPES = PacketType.values();

    private final Random random;
    private final int maxAdminLine;

    public HostileFrames(long seed, int maxAdminLine) {
        this.random = new Random(seed);
        this.maxAdminLine = maxAdminLine;
    }

    Frame next() {
        int r = random.nextInt(1000);
        if (r < 150) {
            return new Frame(Kind.VALID, validPacket(), false);
        } else if (r < 400) {
            return new Frame(Kind.BIT_FLIP, bitFlip(validPacket()), false);
        } else if (r < 470) {
            byte[] p = validPacket();
            return new Frame(Kind.TRUNCATED, Arrays.copyOf(p, random.nextInt(p.length)), false);
        } else if (r < 560) {
            return new Frame(Kind.WRONG_LENGTH, wrongLength(validPacket()), false);
        } else if (r < 760) {
            return new Frame(Kind.RANDOM, randomFrame(), false);
        } else if (r < 768) {
            return new Frame(Kind.WRONG_MAGIC, wrongMagic(), false);
        } else if (r < 776) {
            return new Frame(Kind.HUGE_LENGTH, hugeLength(), false);
        } else if (r < 970) {
            return new Frame(Kind.ADMIN, adminLine(), false);
        } else if (r < 972) {
            byte[] line = new byte[maxAdminLine + 1 + random.nextInt(maxAdminLine)];
            Arrays.fill(line, (byte) ('a' + random.nextInt(26)));
            return new Frame(Kind.ADMIN_OVERLONG, line, false);
        } else if (r < 988) {
            return new Frame(Kind.CLOSE_MID_HEADER, Arrays.copyOf(validPacket(), 1 + random.nextInt(11)), true);
        } else {
            byte[] p = validPacket(1);
            return new Frame(Kind.CLOSE_MID_BODY, Arrays.copyOf(p, Packet.HEADER_LENGTH + random.nextInt(p.length - 12)),
                    true);
        }
    }

    /** A well-formed packet of any numbered type, REQ magic mostly, with plausible fields. */
    public byte[] validPacket() {
        return validPacket(0);
    }

    private byte[] validPacket(int minBody) {
        PacketType type = TYPES[random.nextInt(TYPES.length)];
        byte[][] fields = new byte[type.fieldCount()][];
        for (int i = 0; i < fields.length; i++) {
            boolean tail = type.hasData() && i == fields.length - 1;
            fields[i] = tail ? payload() : argument(i);
        }
        if (fields.length == 0 && minBody > 0) {
            type = PacketType.ECHO_REQ;
            fields = new byte[][] {payload()};
        }
        Packet packet = Packet.request(type, fields);
        if (random.nextInt(20) == 0) {
            packet = packet.withMagic(Magic.RES);
        }
        byte[] bytes = packet.toBinary();
        if (bytes.length < Packet.HEADER_LENGTH + minBody) {
            bytes = Arrays.copyOf(bytes, Packet.HEADER_LENGTH + minBody);
            ByteBuffer.wrap(bytes).putInt(8, bytes.length - Packet.HEADER_LENGTH);
        }
        return bytes;
    }

    private byte[] argument(int index) {
        switch (random.nextInt(6)) {
            case 0:
                return ascii("fz" + random.nextInt(POOL));
            case 1:
                return ascii("H:fuzz:" + random.nextInt(1000));
            case 2:
                return ascii(Long.toString(random.nextInt(5) == 0 ? random.nextLong() : random.nextInt(3000) - 5));
            case 3:
                return new byte[0];
            case 4:
                return ascii("fz" + random.nextInt(POOL));
            default:
                // Random bytes, but no NUL: a NUL would split the argument (mutations add those).
                byte[] b = new byte[random.nextInt(80)];
                random.nextBytes(b);
                for (int i = 0; i < b.length; i++) {
                    if (b[i] == 0) {
                        b[i] = 1;
                    }
                }
                return b;
        }
    }

    private byte[] payload() {
        int n = random.nextInt(500) == 0 ? random.nextInt(64 * 1024) : random.nextInt(64);
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private byte[] bitFlip(byte[] packet) {
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips; i++) {
            // Mostly in the header, where a flip changes framing, type or magic.
            int at = random.nextBoolean() ? random.nextInt(Math.min(packet.length, Packet.HEADER_LENGTH))
                    : random.nextInt(packet.length);
            packet[at] ^= (byte) (1 << random.nextInt(8));
        }
        return packet;
    }

    private byte[] wrongLength(byte[] packet) {
        int length = ByteBuffer.wrap(packet).getInt(8);
        int wrong = random.nextInt(10) == 0 ? random.nextInt(1 << 20)
                : Math.max(0, length + random.nextInt(33) - 16);
        ByteBuffer.wrap(packet).putInt(8, wrong);
        return packet;
    }

    private byte[] randomFrame() {
        int type = random.nextInt(8) == 0 ? random.nextInt() : random.nextInt(50);
        byte[] body = new byte[random.nextInt(200) == 0 ? random.nextInt(16 * 1024) : random.nextInt(64)];
        random.nextBytes(body);
        return frame(Magic.REQ.bytes(), type, body.length, body);
    }

    private byte[] wrongMagic() {
        byte[] magic = new byte[4];
        do {
            random.nextBytes(magic);
            magic[0] = 0;
        } while (Arrays.equals(magic, Magic.REQ.bytes()) || Arrays.equals(magic, Magic.RES.bytes()));
        byte[] body = new byte[random.nextInt(64)];
        random.nextBytes(body);
        return frame(magic, random.nextInt(45), body.length, body);
    }

    private byte[] hugeLength() {
        // Above the 64 MiB default, up to 4 GiB - 1: refused before a byte of body is stored.
        long declared = (64L << 20) + 1 + (random.nextLong() & 0x7fffffffffffL) % ((1L << 32) - (64L << 20) - 1);
        byte[] someBody = new byte[random.nextInt(32)];
        random.nextBytes(someBody);
        return frame(Magic.REQ.bytes(), random.nextInt(45), (int) declared, someBody);
    }

    private static byte[] frame(byte[] magic, int type, int declaredLength, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(Packet.HEADER_LENGTH + body.length);
        b.put(magic).putInt(type).putInt(declaredLength).put(body);
        return b.array();
    }

    private byte[] adminLine() {
        StringBuilder line = new StringBuilder();
        int kind = random.nextInt(4);
        if (kind == 0) {
            // random bytes, but not NUL first (that would be binary) and no NUL at all, for simplicity
            byte[] b = new byte[1 + random.nextInt(200)];
            random.nextBytes(b);
            for (int i = 0; i < b.length; i++) {
                if (b[i] == 0) {
                    b[i] = 'x';
                }
            }
            String s = new String(b, StandardCharsets.ISO_8859_1);
            return s.toLowerCase(java.util.Locale.ROOT).contains("shutdown") ? ascii("status\n") : withEnd(b);
        }
        int words = 1 + random.nextInt(kind == 1 ? 2 : 5);
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                line.append(random.nextInt(8) == 0 ? "  " : " ");
            }
            line.append(ADMIN_WORDS.get(random.nextInt(ADMIN_WORDS.size())));
        }
        return withEnd(line.toString().getBytes(StandardCharsets.UTF_8));
    }

    private byte[] withEnd(byte[] text) {
        byte[] end = random.nextInt(4) == 0 ? new byte[] {'\r', '\n'} : new byte[] {'\n'};
        byte[] out = Arrays.copyOf(text, text.length + end.length);
        System.arraycopy(end, 0, out, text.length, end.length);
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
