package dev.gear.junit5;

import dev.gear.junit5.internal.JournalWatch;
import dev.gear.server.FunctionStatus;
import dev.gear.testkit.EmbeddedGearmanServer;
import dev.gear.testkit.JournalEvent;
import dev.gear.testkit.Peer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on an {@link EmbeddedGearmanServer}: its jobs ({@link #job(String)}), counts,
 * worker registrations and ACL denials. By default each assertion checks the server now; after
 * {@link #within(Duration)} it waits, up to that long, for the assertion to hold, and returns as
 * soon as it does.
 *
 * @since 0.1
 */
public final class GearmanServerAssert extends AbstractAssert<GearmanServerAssert, EmbeddedGearmanServer> {
    private final Duration within;

    GearmanServerAssert(EmbeddedGearmanServer server, Duration within) {
        super(server, GearmanServerAssert.class);
        this.within = within;
    }

    /**
     * The same assertions, each waiting up to {@code timeout} for what it asserts (re-checked on
     * every journal event, no polling); on timeout it fails with the closest mismatch. The server's
     * timeout multiplier stretches {@code timeout} as it does the test kit's own waits, and the
     * failure says so ({@code within 900 ms (300 ms × timeout multiplier 3)}).
     */
    public GearmanServerAssert within(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout.toMillis() + " ms");
        }
        isNotNull();
        GearmanServerAssert waiting = new GearmanServerAssert(actual, timeout);
        return info.hasDescription() ? waiting.as(info.description()) : waiting;
    }

    /** Assertions about a job of {@code function}; narrow them with {@code with…}, end with a state. */
    public JobAssert job(String function) {
        isNotNull();
        return new JobAssert(actual, within, function);
    }

    /** That at least one job of {@code function} was submitted. */
    public GearmanServerAssert hasSubmitted(String function) {
        job(function).wasSubmitted();
        return myself;
    }

    /** That exactly {@code count} jobs of {@code function} were submitted (coalesced submissions count once). */
    public GearmanServerAssert hasSubmitted(String function, int count) {
        job(function).hasCount(count);
        return myself;
    }

    /** That no job of {@code function} was submitted (checked now, whatever {@link #within}). */
    public GearmanServerAssert hasNotSubmitted(String function) {
        new JobAssert(actual, null, function).hasCount(0);
        return myself;
    }

    /** That at least one worker (or stub) has registered {@code function}. */
    public GearmanServerAssert hasWorkerFor(String function) {
        return hasWorkersFor(function, 1, false);
    }

    /** That exactly {@code count} workers (stubs included) have registered {@code function}. */
    public GearmanServerAssert hasWorkersFor(String function, int count) {
        return hasWorkersFor(function, count, true);
    }

    private GearmanServerAssert hasWorkersFor(String function, int count, boolean exactly) {
        isNotNull();
        Objects.requireNonNull(function, "function");
        Optional<Integer> ok = JournalWatch.await(actual, within, () -> {
            int now = workers(function);
            return (exactly ? now == count : now >= count) ? Optional.of(now) : Optional.empty();
        });
        if (ok.isEmpty()) {
            int now = workers(function);
            String expected = (exactly ? "" : "at least ") + count + " worker(s) for '" + function + "'";
            throw failureWithActualExpected(now, count, "%s", "\nExpected " + expected + waited() + ", but " + now
                    + " registered.\nRegistered per function: " + actual.snapshot().functions().stream()
                            .map(f -> f.name() + "=" + f.workers()).collect(Collectors.joining(", ", "{", "}"))
                    + JournalWatch.aclDenials(actual.journal()));
        }
        return myself;
    }

    /**
     * That the server's ACL refused CN {@code commonName} a job of {@code function} (the client
     * got ERROR {@code 0} "Permission denied by ACL").
     */
    public GearmanServerAssert deniedInvoke(String commonName, String function) {
        return denied("invoke", commonName, function);
    }

    /** That the server's ACL ignored CN {@code commonName} registering {@code function} (CAN_DO). */
    public GearmanServerAssert deniedRegister(String commonName, String function) {
        return denied("register", commonName, function);
    }

    private GearmanServerAssert denied(String action, String commonName, String function) {
        isNotNull();
        Objects.requireNonNull(commonName, "commonName");
        Objects.requireNonNull(function, "function");
        Predicate<JournalEvent.AclDenied> wanted = d -> d.action().equals(action) && d.target().equals(function)
                && commonName.equals(d.peer().subject());
        Optional<JournalEvent.AclDenied> found = JournalWatch.await(actual, within,
                () -> actual.journal().events(JournalEvent.AclDenied.class).stream().filter(wanted).findFirst());
        if (found.isEmpty()) {
            List<JournalEvent.AclDenied> seen = actual.journal().events(JournalEvent.AclDenied.class);
            String expected = render(action, "CN=" + commonName, function);
            String closest = seen.isEmpty() ? "none" : render(seen.get(seen.size() - 1).action(),
                    subject(seen.get(seen.size() - 1).peer()), seen.get(seen.size() - 1).target());
            throw failureWithActualExpected(closest, expected, "%s", "\nExpected the ACL to deny " + expected
                    + waited() + ", but " + (seen.isEmpty() ? "it denied nothing." : "it denied only:"
                    + seen.stream().map(d -> "\n  " + render(d.action(), subject(d.peer()), d.target()))
                            .collect(Collectors.joining())));
        }
        return myself;
    }

    private static String render(String action, String subject, String function) {
        return action + " '" + function + "' by " + subject;
    }

    private static String subject(Peer peer) {
        return peer.subject() == null ? "(no certificate, " + peer + ")" : "CN=" + peer.subject();
    }

    private int workers(String function) {
        return actual.snapshot().function(function).map(FunctionStatus::workers).orElse(0);
    }

    private String waited() {
        return JournalWatch.waited(actual, within);
    }
}
