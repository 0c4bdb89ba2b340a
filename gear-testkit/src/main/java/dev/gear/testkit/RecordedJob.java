package dev.gear.testkit;

import dev.gear.Precedence;
import java.util.List;
import java.util.Objects;

/**
 * A job's life as the journal tells it: what was submitted, by whom, who ran it and how it ended.
 * Immutable; a later look at the journal gives a newer {@code RecordedJob}.
 *
 * @param submittedAt sequence number of the {@link JournalEvent.JobSubmitted} that created the job
 * @param handle      the job handle
 * @param function    the function name
 * @param unique      the unique id ({@code ""} when none was given)
 * @param payload     the job's arguments
 * @param precedence  its priority
 * @param background  whether it was submitted as a background job
 * @param submitter   who submitted it first (later coalesced submitters are in {@code submitters})
 * @param submitters  every submitter, the first included
 * @param state       where the job is now
 * @param worker      the worker or stub that holds or held it last, or {@code null} if never assigned
 * @param attempts    how many times it was assigned
 * @param data        WORK_DATA chunks, in order
 * @param warnings    WORK_WARNING chunks, in order
 * @param numerator   last WORK_STATUS numerator (0 when none)
 * @param denominator last WORK_STATUS denominator (0 when none)
 * @param result      WORK_COMPLETE's result or WORK_EXCEPTION's data; {@code null} otherwise
 * @param reason      why the server failed, dropped or requeued it last; {@code null} otherwise
 * @since 0.1
 */
public record RecordedJob(long submittedAt, String handle, String function, String unique, Payload payload,
        Precedence precedence, boolean background, Peer submitter, List<Peer> submitters, JobState state,
        Peer worker, int attempts, List<Payload> data, List<Payload> warnings, long numerator, long denominator,
        Payload result, String reason) {

    public RecordedJob {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(state, "state");
        submitters = List.copyOf(submitters);
        data = List.copyOf(data);
        warnings = List.copyOf(warnings);
    }

    /** The payload decoded as UTF-8 (named like {@code Job.argumentsAsString()}). */
    public String payloadAsString() {
        return payload.utf8();
    }

    /** The result decoded as UTF-8, or {@code null} when there is none. */
    public String resultAsString() {
        return result == null ? null : result.utf8();
    }

    /**
     * {@link #payloadAsString()}.
     *
     * @deprecated one naming scheme for text views: use {@link #payloadAsString()}
     */
    @Deprecated(since = "0.1.0")
    public String payloadText() {
        return payloadAsString();
    }

    /**
     * {@link #resultAsString()}.
     *
     * @deprecated one naming scheme for text views: use {@link #resultAsString()}
     */
    @Deprecated(since = "0.1.0")
    public String resultText() {
        return resultAsString();
    }

    /** One line: {@code #7 resize H:127.0.0.1:3 COMPLETED payload="a.png" result="ok" by conn#2 …}. */
    public String describe(PayloadFormat format) {
        StringBuilder sb = new StringBuilder();
        sb.append('#').append(submittedAt).append(' ').append(function).append(' ').append(handle).append(' ')
                .append(state);
        if (!unique.isEmpty()) {
            sb.append(" unique=").append(unique);
        }
        sb.append(" payload=").append(payload.render(format, 64));
        if (background) {
            sb.append(" background");
        }
        if (precedence != Precedence.NORMAL) {
            sb.append(' ').append(precedence);
        }
        if (result != null) {
            sb.append(" result=").append(result.render(format, 64));
        }
        if (reason != null) {
            sb.append(" reason=").append(reason);
        }
        sb.append(" submitter=[").append(submitter).append(']');
        if (worker != null) {
            sb.append(" worker=[").append(worker).append(']');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe(PayloadFormat.AUTO);
    }
}
