package dev.gear.testkit.internal;

import dev.gear.testkit.JobCriteria;
import dev.gear.testkit.JournalEvent;
import dev.gear.testkit.Peer;
import dev.gear.testkit.Journal;
import dev.gear.testkit.PayloadFormat;
import dev.gear.testkit.RecordedJob;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The waits a test makes on the journal: for a job matching criteria, for the next job of a
 * function (a blocking take), or for any condition. Every wait has a timeout scaled by the
 * multiplier and fails with an {@link AssertionError} that shows what was seen instead.
 */
public final class JournalWaits {
    private final EventJournal journal;
    private final double multiplier;
    /** Key in {@link #taken} for {@link #takeConnection}; NUL cannot start a function name on the wire. */
    private static final String CONNECTIONS = "\0connections";
    /** Per function, the submission sequence of the last job handed out by {@link #takeJob}. */
    private final Map<String, Long> taken = new HashMap<>();

    public JournalWaits(EventJournal journal, double multiplier) {
        if (!(multiplier > 0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("timeout multiplier must be a positive number, was " + multiplier);
        }
        this.journal = journal;
        this.multiplier = multiplier;
    }

    public double multiplier() {
        return multiplier;
    }

    /** {@code timeout} times the multiplier. */
    public Duration scale(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + Durations.human(timeout));
        }
        return multiplier == 1.0 ? timeout : Duration.ofNanos((long) (timeout.toNanos() * multiplier));
    }

    /** "after 2 s", or "after 3 s (2 s × timeout multiplier 1.5)": the multiplier in use is always shown when not 1. */
    public String describeTimeout(Duration timeout) {
        return "after " + describeScaled(timeout);
    }

    /** "3 s (2 s × timeout multiplier 1.5)", or "2 s" when the multiplier is 1. */
    public String describeScaled(Duration timeout) {
        Duration scaled = scale(timeout);
        return multiplier == 1.0 ? Durations.human(scaled)
                : Durations.human(scaled) + " (" + Durations.human(timeout) + " × timeout multiplier "
                        + formatMultiplier() + ")";
    }

    private String formatMultiplier() {
        return multiplier == Math.rint(multiplier) ? Long.toString((long) multiplier) : Double.toString(multiplier);
    }

    /**
     * Waits, re-checking on every journal change, until {@code check} yields a value or the scaled
     * {@code timeout} passes; empty on timeout. For callers that word their own failure.
     */
    public <T> Optional<T> awaitOrEmpty(Duration timeout, Supplier<Optional<T>> check) {
        return journal.awaitOrEmpty(scale(timeout), j -> check.get(), j -> "a condition " + describeTimeout(timeout));
    }

    /** Waits until a job matches {@code criteria}; returns it as it was at that moment. */
    public RecordedJob awaitJob(JobCriteria criteria, Duration timeout) {
        return journal.await(scale(timeout),
                j -> j.jobs().stream().filter(criteria).findFirst(),
                j -> "Timed out " + describeTimeout(timeout) + " waiting for " + criteria + ".\n"
                        + closest(j, criteria) + seenJobs(j) + aclDenials(j));
    }

    /**
     * Returns the next job of {@code function} this method has not returned before, in submission
     * order, waiting for one to be submitted if needed.
     */
    public RecordedJob takeJob(String function, Duration timeout) {
        return journal.await(scale(timeout),
                j -> {
                    synchronized (taken) {
                        long after = taken.getOrDefault(function, 0L);
                        Optional<RecordedJob> next = j.jobs(function).stream()
                                .filter(job -> job.submittedAt() > after).findFirst();
                        next.ifPresent(job -> taken.put(function, job.submittedAt()));
                        return next;
                    }
                },
                j -> "Timed out " + describeTimeout(timeout) + " waiting for a new job for function '" + function
                        + "' (already taken: " + takenCount(j, function) + ").\n" + seenJobs(j) + aclDenials(j));
    }

    /**
     * Returns the next connection opened by a peer (not one {@code exclude} rejects) that this
     * method has not returned yet, waiting for it if needed.
     */
    public Peer takeConnection(Duration timeout, Predicate<Peer> exclude) {
        return journal.await(scale(timeout),
                j -> {
                    synchronized (taken) {
                        long after = taken.getOrDefault(CONNECTIONS, 0L);
                        Optional<JournalEvent.ConnectionOpened> next = j.events(JournalEvent.ConnectionOpened.class)
                                .stream().filter(e -> e.sequence() > after && !exclude.test(e.peer())).findFirst();
                        next.ifPresent(e -> taken.put(CONNECTIONS, e.sequence()));
                        return next.map(JournalEvent.ConnectionOpened::peer);
                    }
                },
                j -> "Timed out " + describeTimeout(timeout) + " waiting for a new connection. Connections seen:\n"
                        + j.events(JournalEvent.ConnectionOpened.class).stream().map(e -> "  #" + e.sequence() + " "
                                + e.peer()).collect(Collectors.joining("\n")) + aclDenials(j));
    }

    /** Waits until the journal holds an event of {@code kind} satisfying {@code condition}; returns the first. */
    public <T extends JournalEvent> T awaitEvent(Class<T> kind, Predicate<? super T> condition, Duration timeout) {
        return journal.await(scale(timeout),
                j -> j.events(kind).stream().filter(condition).findFirst(),
                j -> "Timed out " + describeTimeout(timeout) + " waiting for a matching " + kind.getSimpleName()
                        + " event. Events of that kind seen: " + j.events(kind).size() + "\n"
                        + j.events(kind).stream().map(e -> "  " + JournalDump.line(e, PayloadFormat.AUTO))
                                .collect(Collectors.joining("\n"))
                        + (j.dropped() > 0 ? "\n(" + j.dropped() + " older event(s) dropped)" : "")
                        + (kind == JournalEvent.AclDenied.class ? "" : aclDenials(j)));
    }

    /** Waits for any condition, re-checked on every journal change. */
    public <T> T await(Duration timeout, Supplier<Optional<T>> check, Function<Journal, String> whatWasSeen,
            String expectation) {
        return journal.await(scale(timeout), j -> check.get(),
                j -> "Timed out " + describeTimeout(timeout) + " waiting for " + expectation + ".\n"
                        + whatWasSeen.apply(j) + aclDenials(j));
    }

    /** Forgets what {@link #takeJob} handed out. */
    public void reset() {
        synchronized (taken) {
            taken.clear();
        }
    }

    private long takenCount(Journal j, String function) {
        synchronized (taken) {
            long after = taken.getOrDefault(function, 0L);
            return j.jobs(function).stream().filter(job -> job.submittedAt() <= after).count();
        }
    }

    static String closest(Journal j, JobCriteria criteria) {
        List<RecordedJob> jobs = j.jobs();
        if (jobs.isEmpty()) {
            return "";
        }
        Comparator<RecordedJob> byMismatch = Comparator
                .comparingInt((RecordedJob job) -> criteria.matchesFunction(job.function()) ? 0 : 1)
                .thenComparingInt(job -> criteria.mismatches(job).size())
                .thenComparing(Comparator.comparingLong(RecordedJob::submittedAt).reversed());
        RecordedJob best = jobs.stream().min(byMismatch).orElseThrow();
        return "Closest: " + best.describe(PayloadFormat.AUTO) + "\n  but " + String.join("; ",
                criteria.mismatches(best)) + "\n";
    }

    public static String seenJobs(Journal j) {
        List<RecordedJob> jobs = j.jobs();
        StringBuilder sb = new StringBuilder();
        if (jobs.isEmpty()) {
            sb.append("No jobs seen.");
        } else {
            sb.append("Jobs seen (").append(jobs.size()).append("):");
            for (RecordedJob job : jobs) {
                sb.append("\n  ").append(job.describe(PayloadFormat.AUTO));
            }
        }
        if (j.dropped() > 0) {
            sb.append("\n(").append(j.dropped()).append(" older journal event(s) were dropped; cap ")
                    .append(j.capacity()).append(')');
        }
        return sb.toString();
    }

    /** {@link Journal#describeAclDenials()} of {@code j}, on a line of its own. */
    public static String aclDenials(Journal j) {
        String denials = j.describeAclDenials();
        return denials.isEmpty() ? "" : "\n" + denials;
    }
}
