package dev.gear.internal.store;

import java.util.Objects;

/**
 * One change to a queue store, applied in order within a transaction: a row added when a
 * background job is accepted, or removed when it completes, fails for good or is cancelled.
 */
public sealed interface StoreChange {
    /** The job this change concerns. */
    StoredJob job();

    /** Stores (or replaces, as gearmand's {@code INSERT OR REPLACE}) the row of {@code job}. */
    record Add(StoredJob job) implements StoreChange {
        /** @throws NullPointerException when {@code job} is null */
        public Add {
            Objects.requireNonNull(job, "job");
        }
    }

    /** Deletes the row keyed by {@code job}'s stored unique key and function name. */
    record Remove(StoredJob job) implements StoreChange {
        /** @throws NullPointerException when {@code job} is null */
        public Remove {
            Objects.requireNonNull(job, "job");
        }
    }
}
