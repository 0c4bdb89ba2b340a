package dev.gear.junit5;

import dev.gear.Precedence;
import dev.gear.junit5.internal.JobExpectation;
import dev.gear.junit5.internal.JournalWatch;
import dev.gear.testkit.EmbeddedGearmanServer;
import dev.gear.testkit.JobState;
import dev.gear.testkit.Journal;
import dev.gear.testkit.Payload;
import dev.gear.testkit.PayloadFormat;
import dev.gear.testkit.RecordedJob;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions about the jobs of one function on a server. The {@code with…}/{@code in…} methods
 * narrow which jobs count; a state method ({@link #isQueued()}, {@link #isCompleted()}, …) or
 * {@link #hasCount(int)} then asserts. A state method passes when some job matches everything and
 * returns that job for further assertions.
 *
 * <pre>{@code
 * assertThat(server).job("resize").withPayload("a.png").inBackground().isQueued();
 * assertThat(server).within(ofSeconds(5)).job("resize").isCompleted().hasResult("ok");
 * }</pre>
 *
 * @since 0.1
 */
public final class JobAssert extends AbstractAssert<JobAssert, EmbeddedGearmanServer> {
    private final Duration within;
    private JobExpectation expectation;

    JobAssert(EmbeddedGearmanServer server, Duration within, String function) {
        super(server, JobAssert.class);
        this.within = within;
        this.expectation = JobExpectation.function(function);
    }

    /** Only jobs whose payload is the UTF-8 encoding of {@code payload}. */
    public JobAssert withPayload(String payload) {
        expectation = expectation.payload(Payload.of(payload));
        return myself;
    }

    /** Only jobs whose payload equals {@code payload}. */
    public JobAssert withPayload(byte[] payload) {
        expectation = expectation.payload(Payload.of(payload));
        return myself;
    }

    /** Only jobs with this unique id. */
    public JobAssert withUnique(String unique) {
        expectation = expectation.unique(unique);
        return myself;
    }

    /** Only jobs submitted with this {@link Precedence} (HIGH, NORMAL, LOW). */
    public JobAssert withPrecedence(Precedence precedence) {
        expectation = expectation.precedence(Objects.requireNonNull(precedence, "precedence"));
        return myself;
    }

    /**
     * {@link #withPrecedence(Precedence)}.
     *
     * @deprecated the enum is {@code Precedence}; use {@link #withPrecedence(Precedence)}
     */
    @Deprecated(since = "0.1.0")
    public JobAssert withPriority(Precedence priority) {
        return withPrecedence(priority);
    }

    /** Only background jobs. */
    public JobAssert inBackground() {
        expectation = expectation.background(true);
        return myself;
    }

    /** Only foreground jobs. */
    public JobAssert inForeground() {
        expectation = expectation.background(false);
        return myself;
    }

    /** Only jobs submitted (first or coalesced) by a peer whose TLS certificate has this CN. */
    public JobAssert submittedBy(String commonName) {
        expectation = expectation.submitter(commonName);
        return myself;
    }

    /** That such a job was submitted, in whatever state it is now. */
    public RecordedJobAssert wasSubmitted() {
        return inState(null);
    }

    /** That such a job waits in its queue for a worker. */
    public RecordedJobAssert isQueued() {
        return inState(JobState.QUEUED);
    }

    /**
     * That such a job is held: queued, but kept from every worker by an open hold (see
     * {@link EmbeddedGearmanServer#holdJobs(dev.gear.testkit.JobCriteria)}).
     */
    public RecordedJobAssert isHeld() {
        return inState(JobState.HELD);
    }

    /** That a worker (or stub) is running such a job. */
    public RecordedJobAssert isRunning() {
        return inState(JobState.RUNNING);
    }

    /** That such a job completed (WORK_COMPLETE). */
    public RecordedJobAssert isCompleted() {
        return inState(JobState.COMPLETED);
    }

    /** That such a job failed (WORK_FAIL from its worker, or from the server). */
    public RecordedJobAssert isFailed() {
        return inState(JobState.FAILED);
    }

    /** That such a job ended with WORK_EXCEPTION. */
    public RecordedJobAssert endedWithException() {
        return inState(JobState.EXCEPTION);
    }

    /** That such a job was cancelled. */
    public RecordedJobAssert isCancelled() {
        return inState(JobState.CANCELLED);
    }

    /** That exactly {@code count} jobs match (in any state). */
    public JobAssert hasCount(int count) {
        isNotNull();
        JobExpectation selecting = expectation.anyState();
        Optional<Long> ok = JournalWatch.await(actual, within, () -> {
            long n = matching(actual.journal(), selecting).size();
            return n == count ? Optional.of(n) : Optional.empty();
        });
        if (ok.isEmpty()) {
            Journal journal = actual.journal();
            List<RecordedJob> jobs = matching(journal, selecting);
            throw failureWithActualExpected(jobs.size(), count, "%s", "\nExpected " + count + " " + plural(selecting)
                    + waited() + ", but found " + jobs.size() + ":" + list(jobs) + "\n" + seen(journal));
        }
        return myself;
    }

    private RecordedJobAssert inState(JobState state) {
        isNotNull();
        JobExpectation wanted = state == null ? expectation.anyState() : expectation.state(state);
        Optional<RecordedJob> found = JournalWatch.await(actual, within,
                () -> actual.journal().jobs().stream().filter(wanted::matches).findFirst());
        if (found.isPresent()) {
            return new RecordedJobAssert(found.get());
        }
        Journal journal = actual.journal();
        Optional<RecordedJob> closest = wanted.closest(journal.jobs());
        String actualSide = closest.map(wanted::render).orElse("no jobs");
        String closestText = closest.map(j -> "the closest was\n  " + j.describe(PayloadFormat.AUTO)
                + "\n  which differs: " + String.join("; ", wanted.mismatches(j)))
                .orElse("the server saw no jobs at all");
        throw failureWithActualExpected(actualSide, wanted.render(), "%s",
                "\nExpected " + wanted + waited() + ",\nbut " + closestText + "\n" + seen(journal));
    }

    private static List<RecordedJob> matching(Journal journal, JobExpectation e) {
        return journal.jobs().stream().filter(e::matches).collect(Collectors.toList());
    }

    private static String plural(JobExpectation e) {
        return e.toString().replaceFirst("^a job", "job(s)");
    }

    private static String list(List<RecordedJob> jobs) {
        return jobs.stream().map(j -> "\n  " + j.describe(PayloadFormat.AUTO)).collect(Collectors.joining());
    }

    /** Every job the journal tells of, and how many events were dropped before them. */
    private static String seen(Journal journal) {
        List<RecordedJob> jobs = journal.jobs();
        String dropped = journal.dropped() > 0 ? "\n(" + journal.dropped() + " older event(s) were dropped from the"
                + " journal, capacity " + journal.capacity() + ")" : "";
        return (jobs.isEmpty() ? "No jobs seen." : "Jobs seen (" + jobs.size() + "):" + list(jobs)) + dropped
                + JournalWatch.aclDenials(journal);
    }

    private String waited() {
        return JournalWatch.waited(actual, within);
    }
}
