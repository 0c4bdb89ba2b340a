package dev.gear.bench;

import java.util.Arrays;

/** Payloads and how their sizes are printed. */
final class Sizes {
    private Sizes() {
    }

    static byte[] payload(int bytes) {
        byte[] payload = new byte[bytes];
        Arrays.fill(payload, (byte) 'x');
        return payload;
    }

    static String describe(int bytes) {
        return bytes >= 1024 && bytes % 1024 == 0 ? (bytes / 1024) + " KiB" : bytes + " B";
    }
}
