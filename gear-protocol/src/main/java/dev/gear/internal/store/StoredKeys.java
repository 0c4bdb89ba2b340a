package dev.gear.internal.store;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The key rule for jobs submitted without a unique.
 *
 * <p>gearmand's table is keyed by {@code (unique_key, function_name)} and gearmand stores such jobs
 * under the empty unique, so all of them but the last are replaced: its SQLite queue keeps one of
 * them. We store each under a generated key instead, {@value #PREFIX} + 16 hex digits drawn at
 * random once per server start + {@code :} + a counter in hex (at most 43 bytes, within gearmand's
 * 64-byte unique), so keys never repeat within a run and, with overwhelming probability, never
 * across runs. On load, a key with that prefix comes back as an empty client unique.
 *
 * <p>A client unique that itself starts with {@value #PREFIX} is therefore also reported as empty
 * after a restart; the prefix is chosen so that no sane client sends it. gearmand reading our file
 * sees the generated key as the job's unique (harmless: each job is distinct, as it should be).
 */
public final class StoredKeys {
    /** Every generated key starts with this. */
    public static final String PREFIX = "gear-anon:";

    private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);

    private final String runPrefix;
    private final AtomicLong counter = new AtomicLong();

    /** Keys for one server run, with a fresh random run part. */
    public StoredKeys() {
        this(new SecureRandom().nextLong());
    }

    /** Keys with a given run part (tests only, to make two runs collide on purpose). */
    StoredKeys(long runPart) {
        this.runPrefix = PREFIX + HexFormat.of().toHexDigits(runPart) + ":";
    }

    /**
     * The stored row for a background job. Thread-safe.
     *
     * @param clientUnique the unique the client sent (empty for none)
     */
    public StoredJob job(byte[] functionName, byte[] clientUnique, int priority, byte[] data, long whenToRun) {
        byte[] key = clientUnique.length > 0 ? clientUnique
                : (runPrefix + Long.toHexString(counter.getAndIncrement())).getBytes(StandardCharsets.US_ASCII);
        return new StoredJob(key, functionName, priority, data, whenToRun, clientUnique);
    }

    /**
     * The generated key numbered {@code number} in this run: the server uses its job's handle
     * number, so it can remove the row later without keeping the key. Thread-safe.
     */
    public byte[] generated(long number) {
        return (runPrefix + Long.toHexString(number)).getBytes(StandardCharsets.US_ASCII);
    }

    /** What clients see of a stored key: empty for a generated key, the key itself otherwise. */
    public static byte[] clientUniqueOf(byte[] storedKey) {
        return isGenerated(storedKey) ? new byte[0] : storedKey;
    }

    /** Whether {@code storedKey} is one this class generated. */
    public static boolean isGenerated(byte[] storedKey) {
        return storedKey.length >= PREFIX_BYTES.length
                && Arrays.equals(storedKey, 0, PREFIX_BYTES.length, PREFIX_BYTES, 0, PREFIX_BYTES.length);
    }
}
