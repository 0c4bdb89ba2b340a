package dev.gear.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@link EmbeddedGearmanServer#awaitJob(JobCriteria, java.time.Duration)} waits for: a job of
 * one function, optionally with a given payload, unique id, handle, background flag and state. Immutable;
 * each {@code with…} method returns a new criteria.
 *
 * <p>Criteria describe themselves, and say which part a near-miss job violates, so a failed wait
 * reads "closest: #7 resize … (state is QUEUED, expected COMPLETED)" instead of "timed out".
 *
 * @since 0.1
 */
public final class JobCriteria implements Predicate<RecordedJob> {
    private final String function;
    private final byte[] payload;
    private final String unique;
    private final Boolean background;
    private final Set<JobState> states;
    private final String handle;
    /** Set by {@link #functionMatching(String)}: then {@link #function} is the regex's text. */
    private Pattern functionPattern;
    /** Set by {@link #withPayloadMatching(Predicate)}. */
    private Predicate<byte[]> payloadTest;

    private JobCriteria(String function, byte[] payload, String unique, Boolean background, Set<JobState> states) {
        this(function, payload, unique, background, states, null);
    }

    private JobCriteria(String function, byte[] payload, String unique, Boolean background, Set<JobState> states,
            String handle) {
        this.handle = handle;
        this.function = function;
        this.payload = payload;
        this.unique = unique;
        this.background = background;
        this.states = states;
    }

    /** Any job of {@code function}, in any state. */
    public static JobCriteria function(String function) {
        Objects.requireNonNull(function, "function");
        return new JobCriteria(function, null, null, null, EnumSet.allOf(JobState.class));
    }

    /** Only jobs whose arguments equal {@code payload}. */
    public JobCriteria withPayload(byte[] payload) {
        return new JobCriteria(function, payload.clone(), unique, background, states, handle).carry(this);
    }

    /** Only jobs whose arguments equal the UTF-8 encoding of {@code payload}. */
    public JobCriteria withPayload(String payload) {
        return withPayload(payload.getBytes(StandardCharsets.UTF_8));
    }

    /** Only jobs with this unique id. */
    public JobCriteria withUnique(String unique) {
        return new JobCriteria(function, payload, Objects.requireNonNull(unique, "unique"), background, states, handle)
                .carry(this);
    }

    /** Only the job with this handle. */
    public JobCriteria withHandle(String handle) {
        return new JobCriteria(function, payload, unique, background, states, Objects.requireNonNull(handle, "handle"))
                .carry(this);
    }

    /** Only background (or only foreground) jobs. */
    public JobCriteria background(boolean background) {
        return new JobCriteria(function, payload, unique, background, states, handle).carry(this);
    }

    /** Only jobs in one of these states. */
    public JobCriteria inState(JobState first, JobState... more) {
        return new JobCriteria(function, payload, unique, background, EnumSet.of(first, more), handle).carry(this);
    }

    /** Only jobs that ended (completed, failed, exception, cancelled or dropped). */
    public JobCriteria finished() {
        return new JobCriteria(function, payload, unique, background, EnumSet.of(JobState.COMPLETED,
                JobState.FAILED, JobState.EXCEPTION, JobState.CANCELLED, JobState.DROPPED), handle).carry(this);
    }

    /**
     * Any job whose function name matches {@code regex} at its start ({@link Matcher#lookingAt()},
     * as gear's ACL matches function names): {@code functionMatching("build")} takes {@code build}
     * and {@code build-docs}, {@code functionMatching("build$")} only {@code build}.
     *
     * @throws java.util.regex.PatternSyntaxException when {@code regex} is not a valid regex
     */
    public static JobCriteria functionMatching(String regex) {
        Objects.requireNonNull(regex, "regex");
        JobCriteria c = new JobCriteria(regex, null, null, null, EnumSet.allOf(JobState.class));
        c.functionPattern = Pattern.compile(regex);
        return c;
    }

    /**
     * Only jobs whose arguments satisfy {@code test} (given a copy), e.g. a field of their JSON
     * arguments, as Zuul releases held builds by a field of their arguments. Combines with
     * {@link #withPayload(byte[])}: both must hold.
     */
    public JobCriteria withPayloadMatching(Predicate<byte[]> test) {
        Objects.requireNonNull(test, "test");
        JobCriteria c = new JobCriteria(function, payload, unique, background, states, handle).carry(this);
        Predicate<byte[]> before = payloadTest;
        c.payloadTest = before == null ? test : before.and(test);
        return c;
    }

    /** Whether a job of {@code name} has the function these criteria ask for (equal, or matching the regex). */
    public boolean matchesFunction(String name) {
        return functionPattern != null ? functionPattern.matcher(name).lookingAt() : name.equals(function);
    }

    /** The criteria's new fields (regex, payload test) onto a copy made by an older {@code with…} method. */
    private JobCriteria carry(JobCriteria from) {
        functionPattern = from.functionPattern;
        payloadTest = from.payloadTest;
        return this;
    }

    @Override
    public boolean test(RecordedJob job) {
        return mismatches(job).isEmpty();
    }

    /** What about {@code job} differs from these criteria; empty when it matches. */
    public List<String> mismatches(RecordedJob job) {
        List<String> out = new ArrayList<>();
        if (functionPattern != null) {
            if (!matchesFunction(job.function())) {
                out.add("function is '" + job.function() + "', expected one matching '" + function + "' at its start");
            }
        } else if (!job.function().equals(function)) {
            out.add("function is '" + job.function() + "', expected '" + function + "'");
        }
        if (handle != null && !job.handle().equals(handle)) {
            out.add("handle is " + job.handle() + ", expected " + handle);
        }
        if (payload != null && !job.payload().contentEquals(payload)) {
            out.add("payload " + job.payload().describeDifference(Payload.of(payload)) + "; expected "
                    + Payload.of(payload));
        }
        if (payloadTest != null && !payloadTest.test(job.payload().bytes())) {
            out.add("payload " + job.payload() + " does not satisfy the payload test");
        }
        if (unique != null && !job.unique().equals(unique)) {
            out.add("unique is '" + job.unique() + "', expected '" + unique + "'");
        }
        if (background != null && job.background() != background) {
            out.add(background ? "is foreground, expected background" : "is background, expected foreground");
        }
        if (!states.contains(job.state())) {
            out.add("state is " + job.state() + ", expected " + statesText());
        }
        return out;
    }

    /** The function these criteria are about (the regex, for {@link #functionMatching(String)}). */
    public String functionName() {
        return function;
    }

    private String statesText() {
        return states.size() == 1 ? states.iterator().next().toString() : "one of " + states;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(functionPattern != null ? "a job for a function matching '"
                : "a job for function '").append(function).append('\'');
        if (handle != null) {
            sb.append(" with handle ").append(handle);
        }
        if (payload != null) {
            sb.append(" with payload ").append(Payload.of(payload));
        }
        if (payloadTest != null) {
            sb.append(" with a payload satisfying the payload test");
        }
        if (unique != null) {
            sb.append(" with unique '").append(unique).append('\'');
        }
        if (background != null) {
            sb.append(background ? " in the background" : " in the foreground");
        }
        if (states.size() < JobState.values().length) {
            sb.append(" in state ").append(statesText());
        }
        return sb.toString();
    }
}
