package dev.gear.internal.store;

import java.nio.charset.StandardCharsets;

/** Small builders for stored jobs in tests. */
final class Jobs {
    private Jobs() {
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A job with a client unique. */
    static StoredJob job(String function, String unique, int priority, String data, long whenToRun) {
        return new StoredJob(utf8(unique), utf8(function), priority, utf8(data), whenToRun, utf8(unique));
    }
}
