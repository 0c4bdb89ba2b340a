package dev.gear.internal.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One background job as a queue store holds it: one row of gearmand's table.
 *
 * <p>{@code uniqueKey} is what the row's {@code unique_key} column holds: the client's unique, or,
 * for a job submitted without one, a key the store generated ({@link StoredKeys}) so that two such
 * jobs of one function never share the table's primary key. {@code clientUnique} is what clients
 * and workers see: the client's unique, empty for a generated key. Arrays are neither copied nor
 * to be changed after construction (the server owns them); equality compares their contents.
 *
 * @param uniqueKey    the {@code unique_key} column, never null (may be empty in rows gearmand wrote)
 * @param functionName the {@code function_name} column, never null
 * @param priority     {@link #HIGH}, {@link #NORMAL} or {@link #LOW}, gearmand's numbering
 * @param data         the {@code data} column, never null
 * @param whenToRun    the {@code when_to_run} column: epoch seconds of SUBMIT_JOB_EPOCH, 0 = now
 * @param clientUnique the unique the client sent, empty when it sent none
 */
public record StoredJob(byte[] uniqueKey, byte[] functionName, int priority, byte[] data, long whenToRun,
                        byte[] clientUnique) {
    /** gearmand's {@code GEARMAN_JOB_PRIORITY_HIGH}. */
    public static final int HIGH = 0;
    /** gearmand's {@code GEARMAN_JOB_PRIORITY_NORMAL}. */
    public static final int NORMAL = 1;
    /** gearmand's {@code GEARMAN_JOB_PRIORITY_LOW}. */
    public static final int LOW = 2;

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException naming the bad field
     */
    public StoredJob {
        Objects.requireNonNull(uniqueKey, "uniqueKey");
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(clientUnique, "clientUnique");
        if (priority < HIGH || priority > LOW) {
            throw new IllegalArgumentException("priority " + priority
                    + " is not 0 (HIGH), 1 (NORMAL) or 2 (LOW)");
        }
        if (whenToRun < 0) {
            throw new IllegalArgumentException("whenToRun " + whenToRun + " is negative (epoch seconds, 0 = now)");
        }
    }

    /** The function name decoded as UTF-8, for messages and logs. */
    public String functionText() {
        return new String(functionName, StandardCharsets.UTF_8);
    }

    /** The stored key decoded as UTF-8, for messages and logs. */
    public String uniqueKeyText() {
        return new String(uniqueKey, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StoredJob job
                && priority == job.priority
                && whenToRun == job.whenToRun
                && Arrays.equals(uniqueKey, job.uniqueKey)
                && Arrays.equals(functionName, job.functionName)
                && Arrays.equals(data, job.data)
                && Arrays.equals(clientUnique, job.clientUnique);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(uniqueKey), Arrays.hashCode(functionName), priority, whenToRun);
    }

    @Override
    public String toString() {
        return "StoredJob[" + functionText() + " key=" + uniqueKeyText() + " priority=" + priority
                + " whenToRun=" + whenToRun + " data=" + data.length + " bytes"
                + (clientUnique.length == 0 ? " (no client unique)" : "") + "]";
    }
}
