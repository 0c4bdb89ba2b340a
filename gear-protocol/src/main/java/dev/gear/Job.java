package dev.gear;

import dev.gear.internal.client.Await;
import dev.gear.internal.client.JobProgress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A job submitted by a {@link Client}: what to run (name, arguments, unique) and, as the server's
 * packets arrive, what happened to it (gear's {@code Job}).
 *
 * <p>The client's I/O thread updates the fields as packets arrive; any thread may read them. Each
 * getter returns a snapshot (arrays and lists are copies). A job ends exactly once: WORK_COMPLETE
 * ({@code complete}), WORK_FAIL or WORK_EXCEPTION ({@code complete} and {@code failure}), or, by
 * default, the loss of the connection it was submitted on ({@code complete} and {@code failure},
 * with a {@link #failureReason()} that says so; gear leaves such jobs hanging). {@link #completion()}
 * then completes <em>normally</em> in every case: check {@link #isFailure()}. Background jobs never
 * end on the client (the server sends nothing after JOB_CREATED).
 *
 * <p>A {@code Job} is submitted once; create a new one to run the same work again.
 */
public final class Job {
    private final byte[] name;
    private final byte[] arguments;
    private final byte[] unique;
    private final JobProgress state = new JobProgress(this);

    /**
     * @param name      the function name (UTF-8 on the wire)
     * @param arguments the payload (copied)
     * @param unique    the unique id, or null for none (servers may coalesce jobs with the same one)
     */
    public Job(String name, byte[] arguments, String unique) {
        this(utf8(Objects.requireNonNull(name, "name")), Objects.requireNonNull(arguments, "arguments").clone(),
                unique == null ? null : utf8(unique), true);
    }

    public Job(String name, byte[] arguments) {
        this(name, arguments, null);
    }

    /** A job whose arguments are text, sent as UTF-8 (gear's {@code TextJob}). */
    public Job(String name, String arguments, String unique) {
        this(utf8(Objects.requireNonNull(name, "name")), utf8(Objects.requireNonNull(arguments, "arguments")),
                unique == null ? null : utf8(unique), true);
    }

    public Job(String name, String arguments) {
        this(name, arguments, null);
    }

    /**
     * Binary name, arguments and unique (gear's {@code BinaryJob}); unique may be null.
     *
     * @throws InvalidDataException when the name or unique contains NUL, {@code \n} or {@code \r}
     */
    public Job(byte[] name, byte[] arguments, byte[] unique) {
        this(Objects.requireNonNull(name, "name").clone(), Objects.requireNonNull(arguments, "arguments").clone(),
                unique == null ? null : unique.clone(), true);
    }

    /** Takes the arrays as they are: every public constructor passes copies or fresh encodings. */
    private Job(byte[] name, byte[] arguments, byte[] unique, boolean owned) {
        this.name = WireNames.check("function name", name);
        this.arguments = arguments;
        this.unique = unique == null ? null : WireNames.check("unique", unique);
    }

    JobProgress state() {
        return state;
    }

    /** The name's bytes themselves, for building the packet (which copies them); never changed. */
    byte[] nameRef() {
        return name;
    }

    byte[] uniqueRef() {
        return unique;
    }

    byte[] argumentsRef() {
        return arguments;
    }

    /** The function name, decoded as UTF-8. */
    public String name() {
        return new String(name, StandardCharsets.UTF_8);
    }

    public byte[] binaryName() {
        return name.clone();
    }

    public byte[] arguments() {
        return arguments.clone();
    }

    public String argumentsAsString() {
        return new String(arguments, StandardCharsets.UTF_8);
    }

    /** The unique id as UTF-8 text, or null when none was given. */
    public String unique() {
        return unique == null ? null : new String(unique, StandardCharsets.UTF_8);
    }

    public byte[] binaryUnique() {
        return unique == null ? null : unique.clone();
    }

    /** The handle from JOB_CREATED, or null before. */
    public String handle() {
        return state.handle();
    }

    public boolean isBackground() {
        return state.isBackground();
    }

    /** The server connection the job was submitted on, or null before JOB_CREATED. */
    public Connection connection() {
        return state.connection() == null ? null : new Connection(state.connection());
    }

    /**
     * The non-empty payloads of WORK_DATA, WORK_WARNING and WORK_COMPLETE, in arrival order
     * (gear's {@code data}; an empty WORK_COMPLETE adds nothing).
     */
    public List<byte[]> data() {
        return state.data();
    }

    /** All data chunks concatenated. */
    public byte[] dataBytes() {
        return state.dataBytes();
    }

    /** All data chunks concatenated and decoded as UTF-8. */
    public String dataAsString() {
        return new String(state.dataBytes(), StandardCharsets.UTF_8);
    }

    /** Whether a WORK_WARNING arrived (its payload is in {@link #data()}). */
    public boolean isWarning() {
        return state.isWarning();
    }

    /** The WORK_EXCEPTION payload, or null. */
    public byte[] exception() {
        return state.exception();
    }

    public String exceptionAsString() {
        byte[] e = state.exception();
        return e == null ? null : new String(e, StandardCharsets.UTF_8);
    }

    /** Numerator of the last WORK_STATUS or STATUS_RES, as sent; null before. */
    public String numerator() {
        return state.numerator();
    }

    public String denominator() {
        return state.denominator();
    }

    /** numerator / denominator, or null when unknown, not numeric or the denominator is 0. */
    public Double fractionComplete() {
        String n = state.numerator();
        String d = state.denominator();
        if (n == null || d == null) {
            return null;
        }
        try {
            double den = Double.parseDouble(d);
            return den == 0 ? null : Double.parseDouble(n) / den;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Whether the job has ended (successfully or not). */
    public boolean isComplete() {
        return state.isComplete();
    }

    /** Whether the job ended in failure: WORK_FAIL, WORK_EXCEPTION or a lost connection. */
    public boolean isFailure() {
        return state.isFailure();
    }

    /** Why the job failed, in words; null unless {@link #isFailure()}. */
    public String failureReason() {
        return state.failureReason();
    }

    /** From the last STATUS_RES: whether the server knows the job; null before any. */
    public Boolean known() {
        return state.known();
    }

    /** From the last STATUS_RES: whether a worker runs it; null before any. */
    public Boolean running() {
        return state.running();
    }

    /**
     * A future completed (normally, with this job) when the job ends, however it ends. Stages
     * that are not {@code *Async} run on the client's I/O thread and must not block.
     */
    public CompletableFuture<Job> completion() {
        return state.completion().copy();
    }

    /**
     * Blocks until the job ends.
     *
     * @return this job
     * @throws GearmanTimeoutException when it has not ended within {@code timeout}
     */
    public Job waitForCompletion(Duration timeout) {
        if (!state.completion().isDone()) {
            Await.refuseOnIoThread(() -> "waiting for job " + name());
        }
        try {
            return state.completion().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new GearmanTimeoutException("job " + name() + " (" + handle() + ") did not end within "
                    + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GearmanException("interrupted while waiting for job " + name(), e);
        } catch (ExecutionException e) {
            throw new GearmanException("job " + name() + " failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public String toString() {
        return "Job[name=" + name() + ", handle=" + handle() + ", complete=" + isComplete()
                + ", failure=" + isFailure() + "]";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
