package dev.gear.internal.client;

import dev.gear.Job;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The mutable side of a client {@link Job}: written by the I/O thread as packets arrive, read by
 * any thread. Every access holds the object's monitor, so a reader sees each packet's effect
 * completely or not at all. The completion future is completed outside the monitor.
 */
public final class JobProgress {
    private final Job job;
    private final CompletableFuture<Job> completion = new CompletableFuture<>();
    private boolean submitted;
    private boolean background;
    private byte[] handle;
    private String handleText;
    private ServerLink<HandleTable> connection;
    private final List<byte[]> data = new ArrayList<>();
    private boolean warning;
    private byte[] exception;
    private String numerator;
    private String denominator;
    private boolean complete;
    private boolean failure;
    private String failureReason;
    private Boolean known;
    private Boolean running;

    public JobProgress(Job job) {
        this.job = job;
    }

    public Job job() {
        return job;
    }

    public CompletableFuture<Job> completion() {
        return completion;
    }

    /** Marks the job as being submitted; false when it already was (a Job is submitted once). */
    public synchronized boolean beginSubmit(boolean background) {
        if (submitted) {
            return false;
        }
        submitted = true;
        this.background = background;
        return true;
    }

    /** The submission failed before JOB_CREATED: the job may be submitted again. */
    public synchronized void submitFailed() {
        if (handle == null) {
            submitted = false;
        }
    }

    /** {@code handle} is kept as it is (not copied): the caller must not change it. */
    synchronized void created(byte[] handle, ServerLink<HandleTable> connection) {
        this.handle = handle;
        this.connection = connection;
    }

    /** The map key of a handle's first {@code length} bytes: byte-exact, whatever the bytes are. */
    static String key(byte[] handle, int length) {
        return new String(handle, 0, length, StandardCharsets.ISO_8859_1);
    }

    public synchronized byte[] handleBytes() {
        return handle == null ? null : handle.clone();
    }

    /** The handle as UTF-8 text, decoded on first use (most jobs never ask). */
    public synchronized String handle() {
        if (handleText == null && handle != null) {
            handleText = new String(handle, StandardCharsets.UTF_8);
        }
        return handleText;
    }

    public synchronized ServerLink<HandleTable> connection() {
        return connection;
    }

    public synchronized boolean isBackground() {
        return background;
    }

    synchronized void addData(byte[] chunk) {
        if (chunk.length > 0) {
            data.add(chunk);
        }
    }

    synchronized void addWarning(byte[] chunk) {
        warning = true;
        addData(chunk);
    }

    synchronized void status(String num, String den) {
        numerator = num;
        denominator = den;
    }

    synchronized void statusRes(boolean isKnown, boolean isRunning, String num, String den) {
        known = isKnown;
        running = isRunning;
        numerator = num;
        denominator = den;
    }

    synchronized void completed(byte[] last) {
        addData(last);
        complete = true;
        failure = false;
    }

    synchronized void failed(String reason) {
        complete = true;
        failure = true;
        failureReason = reason;
    }

    synchronized void exception(byte[] payload) {
        exception = payload;
        complete = true;
        failure = true;
        failureReason = "the worker reported an exception: " + new String(payload, StandardCharsets.UTF_8);
    }

    /** Completes {@link #completion()}; call after hooks and listeners ran. */
    void finish() {
        completion.complete(job);
    }

    public synchronized List<byte[]> data() {
        List<byte[]> copy = new ArrayList<>(data.size());
        for (byte[] chunk : data) {
            copy.add(chunk.clone());
        }
        return copy;
    }

    /** All data chunks concatenated. */
    public synchronized byte[] dataBytes() {
        int n = 0;
        for (byte[] chunk : data) {
            n += chunk.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] chunk : data) {
            System.arraycopy(chunk, 0, out, pos, chunk.length);
            pos += chunk.length;
        }
        return out;
    }

    public synchronized boolean isWarning() {
        return warning;
    }

    public synchronized byte[] exception() {
        return exception == null ? null : exception.clone();
    }

    public synchronized String numerator() {
        return numerator;
    }

    public synchronized String denominator() {
        return denominator;
    }

    public synchronized boolean isComplete() {
        return complete;
    }

    public synchronized boolean isFailure() {
        return failure;
    }

    public synchronized String failureReason() {
        return failureReason;
    }

    public synchronized Boolean known() {
        return known;
    }

    public synchronized Boolean running() {
        return running;
    }
}
