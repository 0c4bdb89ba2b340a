package dev.gear;

import java.nio.charset.StandardCharsets;

/** Renders payload bytes for messages and logs: text when printable, escapes otherwise, cut to a limit. */
final class Printable {
    private Printable() {
    }

    static String of(byte[] bytes, int limit) {
        StringBuilder sb = new StringBuilder("\"");
        int n = Math.min(bytes.length, limit);
        String text = new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                sb.append(c);
            } else {
                sb.append(String.format("\\x%02x", (int) c));
            }
        }
        sb.append('"');
        if (bytes.length > limit) {
            sb.append("…(").append(bytes.length).append(" bytes)");
        }
        return sb.toString();
    }
}
