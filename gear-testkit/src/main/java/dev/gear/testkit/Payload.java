package dev.gear.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Immutable bytes recorded from the wire (a job's arguments, a WORK_DATA chunk, a result).
 *
 * <p>Records cannot hold arrays immutably, so every journal event and snapshot keeps its bytes in
 * one of these; {@link #bytes()} hands out copies. {@link #toString()} renders text when the bytes
 * are printable UTF-8 and hex otherwise, so failure messages stay readable for binary payloads.
 *
 * @since 0.1
 */
public final class Payload {
    /** The empty payload. */
    public static final Payload EMPTY = new Payload(new byte[0]);

    private final byte[] bytes;

    private Payload(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A payload holding a copy of {@code bytes}. */
    public static Payload of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return bytes.length == 0 ? EMPTY : new Payload(bytes.clone());
    }

    /** A payload holding {@code text} encoded as UTF-8. */
    public static Payload of(String text) {
        Objects.requireNonNull(text, "text");
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Number of bytes. */
    public int size() {
        return bytes.length;
    }

    /** The bytes decoded as UTF-8 (malformed input becomes U+FFFD). */
    public String utf8() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Whether the bytes equal {@code other}. */
    public boolean contentEquals(byte[] other) {
        return Arrays.equals(bytes, other);
    }

    /** Whether the bytes equal the UTF-8 encoding of {@code text}. */
    public boolean contentEquals(String text) {
        return Arrays.equals(bytes, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Index (counting from 0) of the first byte that differs from {@code other}, or -1 when equal. */
    public int firstDifference(byte[] other) {
        return Arrays.mismatch(bytes, other);
    }

    /**
     * Where these bytes first differ from {@code expected}, in words, for failure messages:
     * {@code "differs at byte 1 (counting from 0): 0x61 here, 0x62 expected"}, or, when one is a
     * prefix of the other, {@code "differs at byte 5 (counting from 0): it ends there, 7 bytes
     * expected"}; {@code "equal"} when they are.
     */
    public String describeDifference(Payload expected) {
        int at = Arrays.mismatch(bytes, expected.bytes);
        if (at < 0) {
            return "equal";
        }
        String where = "differs at byte " + at + " (counting from 0): ";
        if (at == bytes.length) {
            return where + "it ends there, " + expected.bytes.length + " bytes expected";
        }
        if (at == expected.bytes.length) {
            return where + "it goes on to " + bytes.length + " bytes, " + expected.bytes.length + " expected";
        }
        return where + String.format("0x%02x here, 0x%02x expected", bytes[at], expected.bytes[at]);
    }

    /** Lower-case hex of the bytes, no separators. */
    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    /** Whether the bytes are valid UTF-8 without control characters other than tab, CR and LF. */
    public boolean isPrintable() {
        String text = utf8();
        if (text.indexOf('\uFFFD') >= 0) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Renders the payload as {@code format} asks; long payloads are cut at {@code limit} bytes. */
    public String render(PayloadFormat format, int limit) {
        boolean text = switch (format) {
            case TEXT -> true;
            case HEX -> false;
            case AUTO -> isPrintable();
        };
        byte[] shown = bytes.length > limit ? Arrays.copyOf(bytes, limit) : bytes;
        String cut = bytes.length > limit ? "…(" + bytes.length + " bytes)" : "";
        if (text) {
            String s = new String(shown, StandardCharsets.UTF_8);
            StringBuilder sb = new StringBuilder("\"");
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (Character.isISOControl(c)) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            return sb.append('"').append(cut).toString();
        }
        return "0x" + HexFormat.of().formatHex(shown) + cut;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Payload p && Arrays.equals(bytes, p.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Text when printable, hex otherwise, cut after 256 bytes. */
    @Override
    public String toString() {
        return render(PayloadFormat.AUTO, 256);
    }
}
