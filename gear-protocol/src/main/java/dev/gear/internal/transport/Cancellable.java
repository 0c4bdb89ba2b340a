package dev.gear.internal.transport;

/** A scheduled task that may still be called off. */
@FunctionalInterface
public interface Cancellable {
    /** Prevents the task from running if it has not run yet. Idempotent. */
    void cancel();
}
