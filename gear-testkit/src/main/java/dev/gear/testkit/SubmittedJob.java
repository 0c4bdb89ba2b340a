package dev.gear.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * A job the test submitted with {@link EmbeddedGearmanServer#submit(String, byte[])}, for testing
 * a worker without writing a client. Its outcome is read from the server's journal.
 *
 * @since 0.1
 */
public final class SubmittedJob {
    private final EmbeddedGearmanServer server;
    private final String function;
    private final String handle;
    private final Payload payload;

    SubmittedJob(EmbeddedGearmanServer server, String function, String handle, Payload payload) {
        this.server = server;
        this.function = function;
        this.handle = Objects.requireNonNull(handle, "handle");
        this.payload = payload;
    }

    /** The handle the server gave the job (JOB_CREATED). */
    public String handle() {
        return handle;
    }

    /** The function it was submitted to. */
    public String function() {
        return function;
    }

    /** The payload it was submitted with. */
    public Payload payload() {
        return payload;
    }

    /** The job as the journal tells it now. */
    public RecordedJob current() {
        return server.journal().jobs(function).stream().filter(j -> j.handle().equals(handle))
                .reduce((a, b) -> b).orElseThrow(() -> new IllegalStateException(
                        "job " + handle + " is no longer in the journal (reset, or dropped by the cap)"));
    }

    /** Waits until the job ended (completed, failed, exception, cancelled or dropped) and returns it. */
    public RecordedJob awaitOutcome(Duration timeout) {
        return server.awaitJob(JobCriteria.function(function).withHandle(handle).finished(), timeout);
    }

    /**
     * Waits for the job to complete and returns its result.
     *
     * @throws AssertionError when it ended any other way (the message shows how), or timed out
     */
    public byte[] awaitResult(Duration timeout) {
        RecordedJob job = awaitOutcome(timeout);
        if (job.state() != JobState.COMPLETED) {
            throw new AssertionError("Expected job " + handle + " for function '" + function + "' with payload "
                    + payload + " to complete, but it ended " + job.state()
                    + (job.reason() == null ? "" : " (" + job.reason() + ")") + ":\n  " + job);
        }
        return job.result().bytes();
    }

    /**
     * {@link #awaitResult(Duration)} decoded as UTF-8.
     *
     * @throws AssertionError when it ended any other way, or timed out
     */
    public String awaitResultAsString(Duration timeout) {
        return new String(awaitResult(timeout), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "SubmittedJob[" + function + " " + handle + " payload=" + payload + "]";
    }
}
