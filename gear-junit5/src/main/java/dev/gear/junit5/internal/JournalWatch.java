package dev.gear.junit5.internal;

import dev.gear.testkit.EmbeddedGearmanServer;
import dev.gear.testkit.Journal;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Re-checks a condition each time the server's journal grows, until it holds or time runs out.
 *
 * <p>Why this works without polling: everything an assertion looks at (jobs, their states,
 * registrations) changes only together with a new journal event, and the test kit's
 * {@code awaitEvent} wakes on exactly that. The sequence number read before each check makes
 * sure an event that lands between the check and the wait is not missed.
 */
public final class JournalWatch {
    private JournalWatch() {
    }

    /**
     * Returns the first present result of {@code check}: at once when {@code timeout} is null,
     * else re-checking after every new event for up to {@code timeout} times the server's timeout
     * multiplier (the whole wait is stretched, however many events arrive meanwhile). Empty when
     * the condition never held.
     */
    public static <T> Optional<T> await(EmbeddedGearmanServer server, Duration timeout, Supplier<Optional<T>> check) {
        return timeout == null ? check.get() : server.awaitCondition(check, timeout);
    }

    /** The journal's ACL denials on a line of their own, or {@code ""}: every assertion failure ends with them. */
    public static String aclDenials(Journal journal) {
        String denials = journal.describeAclDenials();
        return denials.isEmpty() ? "" : "\n" + denials;
    }

    /** How an assertion that waited says so: {@code ""}, or {@code " within 900 ms (300 ms × timeout multiplier 3)"}. */
    public static String waited(EmbeddedGearmanServer server, Duration timeout) {
        return timeout == null ? "" : " within " + server.describeTimeout(timeout);
    }
}
