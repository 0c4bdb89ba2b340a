package dev.gear.testkit.internal;

import dev.gear.testkit.Journal;
import dev.gear.testkit.JournalEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The live journal: a bounded, thread-safe event buffer that waiting threads can block on.
 *
 * <p>The server's loop thread appends; test threads read snapshots and wait. A wait re-checks its
 * condition each time the journal changes (an append or a reset bumps {@link #version}), so it
 * wakes because of an event, never because a poll interval elapsed. Conditions are evaluated
 * without the lock held, because some of them ask the server's loop for a snapshot, and the loop
 * needs the lock to append: holding it across the check would deadlock.
 */
public final class EventJournal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<JournalEvent> events = new ArrayDeque<>();
    private final int capacity;
    private final Clock clock;
    private long nextSequence = 1;
    private long dropped;
    private long version;

    public EventJournal(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("journal capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.clock = clock;
    }

    /** The factory receives the event's sequence number and time; returns the appended event. */
    public <E extends JournalEvent> E append(SequencedFactory<E> factory) {
        E event;
        lock.lock();
        try {
            event = factory.create(nextSequence++, clock.instant());
            if (events.size() == capacity) {
                events.removeFirst();
                dropped++;
            }
            events.addLast(event);
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return event;
    }

    /** Creates an event from its sequence number and time. */
    @FunctionalInterface
    public interface SequencedFactory<E extends JournalEvent> {
        E create(long sequence, Instant time);
    }

    /** Forgets all events and the dropped count; sequence numbers keep growing. */
    public void clear() {
        lock.lock();
        try {
            events.clear();
            dropped = 0;
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter so it re-checks its condition (used when state changed without an event). */
    public void touch() {
        lock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public Journal snapshot() {
        lock.lock();
        try {
            return new Journal(new ArrayList<>(events), dropped, capacity);
        } finally {
            lock.unlock();
        }
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Blocks until {@code check} yields a value, re-evaluating it after every journal change, or
     * until {@code timeout} passes; then throws an {@link AssertionError} whose message is
     * {@code failure} applied to the last journal seen. Interruption restores the flag and throws
     * {@link IllegalStateException}.
     */
    public <T> T await(Duration timeout, Function<Journal, Optional<T>> check, Function<Journal, String> failure) {
        Optional<T> result = awaitOrEmpty(timeout, check, failure);
        if (result.isEmpty()) {
            throw new AssertionError(failure.apply(snapshot()));
        }
        return result.get();
    }

    /**
     * {@link #await(Duration, Function, Function)} that returns empty on timeout instead of
     * failing, for callers that word their own failure; {@code interrupted} still builds the
     * message of the {@link IllegalStateException} thrown on interruption.
     */
    public <T> Optional<T> awaitOrEmpty(Duration timeout, Function<Journal, Optional<T>> check,
            Function<Journal, String> interrupted) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen;
            lock.lock();
            try {
                seen = version;
            } finally {
                lock.unlock();
            }
            Journal journal = snapshot();
            Optional<T> result = check.apply(journal);
            if (result.isPresent()) {
                return result;
            }
            boolean timedOut = false;
            boolean wasInterrupted = false;
            lock.lock();
            try {
                while (version == seen) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        timedOut = true;
                        break;
                    }
                    changed.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                wasInterrupted = true;
            } finally {
                lock.unlock();
            }
            // Messages are built without the lock: they may ask the server's loop for a snapshot,
            // and the loop needs the lock to append.
            if (wasInterrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting: " + interrupted.apply(snapshot()));
            }
            if (timedOut) {
                // One last look: the event that satisfies the check may have landed with the deadline.
                return check.apply(snapshot());
            }
        }
    }

    /** Convenience for conditions that do not need the journal. */
    public <T> T await(Duration timeout, Supplier<Optional<T>> check, Supplier<String> failure) {
        return await(timeout, j -> check.get(), j -> failure.get());
    }
}
