package dev.gear.internal.server;

import java.nio.charset.StandardCharsets;

/**
 * Map keys for byte strings. Names, handles and unique ids are bytes on the wire; decoding them as
 * ISO-8859-1 maps each byte to one char, so the String is a lossless, hashable key.
 */
final class Bytes {
    private Bytes() {
    }

    static String key(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static byte[] fromKey(String key) {
        return key.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** For people: the bytes read as UTF-8. */
    static String display(String key) {
        return new String(fromKey(key), StandardCharsets.UTF_8);
    }

    /** The bytes of admin-typed text (UTF-8) as a key. */
    static String keyOfText(String text) {
        return key(text.getBytes(StandardCharsets.UTF_8));
    }
}
