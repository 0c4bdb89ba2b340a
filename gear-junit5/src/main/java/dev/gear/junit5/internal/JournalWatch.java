package dev.gear.junit5.internal;

import dev.gear.testkit.EmbeddedGearmanServer;
import dev.gear.testkit.JournalEvent;
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
     * else re-checking after every new event until {@code timeout} has passed (the test kit's
     * timeout multiplier stretches each wait). Empty when the condition never held.
     */
    public static <T> Optional<T> await(EmbeddedGearmanServer server, Duration timeout, Supplier<Optional<T>> check) {
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen = server.journal().lastSequence();
            Optional<T> result = check.get();
            if (result.isPresent() || timeout == null) {
                return result;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            try {
                server.awaitEvent(JournalEvent.class, e -> e.sequence() > seen, Duration.ofNanos(left));
            } catch (AssertionError timedOut) {
                return check.get();
            }
        }
    }
}
