package dev.gear.junit5.internal;

import dev.gear.Precedence;
import dev.gear.testkit.JobState;
import dev.gear.testkit.Payload;
import dev.gear.testkit.Peer;
import dev.gear.testkit.PayloadFormat;
import dev.gear.testkit.RecordedJob;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a job assertion asks of a job: its function and, optionally, payload, unique id,
 * precedence, background flag, submitter's certificate CN and state. Immutable. Describes itself
 * field by field in the same shape as {@link #render(RecordedJob)}, so a failure's "expected" and
 * "actual" line up in an IDE diff.
 */
public final class JobExpectation {
    private final String function;
    private final Payload payload;
    private final String unique;
    private final Precedence precedence;
    private final Boolean background;
    private final String submitter;
    private final JobState state;

    private JobExpectation(String function, Payload payload, String unique, Precedence precedence, Boolean background,
            String submitter, JobState state) {
        this.function = function;
        this.payload = payload;
        this.unique = unique;
        this.precedence = precedence;
        this.background = background;
        this.submitter = submitter;
        this.state = state;
    }

    public static JobExpectation function(String function) {
        return new JobExpectation(Objects.requireNonNull(function, "function"), null, null, null, null, null, null);
    }

    public JobExpectation payload(Payload p) {
        return new JobExpectation(function, p, unique, precedence, background, submitter, state);
    }

    public JobExpectation unique(String u) {
        return new JobExpectation(function, payload, u, precedence, background, submitter, state);
    }

    public JobExpectation precedence(Precedence p) {
        return new JobExpectation(function, payload, unique, p, background, submitter, state);
    }

    public JobExpectation background(boolean b) {
        return new JobExpectation(function, payload, unique, precedence, b, submitter, state);
    }

    public JobExpectation submitter(String subject) {
        return new JobExpectation(function, payload, unique, precedence, background, subject, state);
    }

    public JobExpectation state(JobState s) {
        return new JobExpectation(function, payload, unique, precedence, background, submitter, s);
    }

    /** The same expectation without a state: it selects jobs for counting. */
    public JobExpectation anyState() {
        return state(null);
    }

    public String function() {
        return function;
    }

    /** What about {@code job} differs from this expectation; empty when it matches. */
    public List<String> mismatches(RecordedJob job) {
        List<String> out = new ArrayList<>();
        if (!job.function().equals(function)) {
            out.add("function is '" + job.function() + "', expected '" + function + "'");
        }
        if (payload != null && !job.payload().equals(payload)) {
            out.add("payload " + job.payload().describeDifference(payload));
        }
        if (unique != null && !job.unique().equals(unique)) {
            out.add("unique is '" + job.unique() + "', expected '" + unique + "'");
        }
        if (precedence != null && job.precedence() != precedence) {
            out.add("precedence is " + job.precedence() + ", expected " + precedence);
        }
        if (background != null && job.background() != background) {
            out.add(background ? "it ran in the foreground, expected background" : "it ran in the background,"
                    + " expected foreground");
        }
        if (submitter != null && job.submitters().stream().noneMatch(p -> submitter.equals(p.subject()))) {
            out.add("submitted by " + subjects(job) + ", expected CN=" + submitter);
        }
        if (state != null && job.state() != state) {
            out.add("state is " + job.state() + ", expected " + state);
        }
        return out;
    }

    public boolean matches(RecordedJob job) {
        return mismatches(job).isEmpty();
    }

    /**
     * The job that comes closest: the right function first, then the fewest mismatches, then
     * the newest (a later job is likelier the one the test meant).
     */
    public Optional<RecordedJob> closest(List<RecordedJob> jobs) {
        return jobs.stream().min(Comparator
                .comparingInt((RecordedJob j) -> j.function().equals(function) ? 0 : 1)
                .thenComparingInt(j -> mismatches(j).size())
                .thenComparing(Comparator.comparingLong(RecordedJob::submittedAt).reversed()));
    }

    /** The constrained fields, one per line: the "expected" side of a diff. */
    public String render() {
        StringBuilder sb = new StringBuilder("function: ").append(function);
        if (payload != null) {
            sb.append("\npayload: ").append(payload.render(PayloadFormat.AUTO, 256));
        }
        if (unique != null) {
            sb.append("\nunique: ").append(unique);
        }
        if (precedence != null) {
            sb.append("\nprecedence: ").append(precedence);
        }
        if (background != null) {
            sb.append("\nbackground: ").append(background);
        }
        if (submitter != null) {
            sb.append("\nsubmitter: CN=").append(submitter);
        }
        if (state != null) {
            sb.append("\nstate: ").append(state);
        }
        return sb.toString();
    }

    /** The same fields of {@code job}: the "actual" side of a diff. */
    public String render(RecordedJob job) {
        StringBuilder sb = new StringBuilder("function: ").append(job.function());
        if (payload != null) {
            sb.append("\npayload: ").append(job.payload().render(PayloadFormat.AUTO, 256));
        }
        if (unique != null) {
            sb.append("\nunique: ").append(job.unique());
        }
        if (precedence != null) {
            sb.append("\nprecedence: ").append(job.precedence());
        }
        if (background != null) {
            sb.append("\nbackground: ").append(job.background());
        }
        if (submitter != null) {
            sb.append("\nsubmitter: ").append(subjects(job));
        }
        if (state != null) {
            sb.append("\nstate: ").append(job.state());
        }
        return sb.toString();
    }

    /** In words: {@code a job for function 'resize' with payload "a.png" in state COMPLETED}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("a job for function '").append(function).append('\'');
        if (payload != null) {
            sb.append(" with payload ").append(payload.render(PayloadFormat.AUTO, 64));
        }
        if (unique != null) {
            sb.append(" with unique '").append(unique).append('\'');
        }
        if (precedence != null) {
            sb.append(" with precedence ").append(precedence);
        }
        if (background != null) {
            sb.append(background ? " in the background" : " in the foreground");
        }
        if (submitter != null) {
            sb.append(" submitted by CN=").append(submitter);
        }
        if (state != null) {
            sb.append(" in state ").append(state);
        }
        return sb.toString();
    }

    private static String subjects(RecordedJob job) {
        List<String> out = new ArrayList<>();
        for (Peer p : job.submitters()) {
            out.add(p.subject() == null ? "(no certificate, " + p + ")" : "CN=" + p.subject());
        }
        return String.join(", ", out);
    }
}
