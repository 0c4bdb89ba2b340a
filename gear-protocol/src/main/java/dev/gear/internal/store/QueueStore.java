package dev.gear.internal.store;

import java.util.List;

/**
 * A persistent table of queued background jobs in gearmand's layout (SQLite or PostgreSQL).
 *
 * <p>Not thread-safe: one thread owns a store, normally the {@link GroupCommitWriter}'s, which
 * calls {@link #commit(List)} with everything that arrived while its previous commit ran. The
 * server's event loop never calls a store directly (it would block on the disk).
 */
public interface QueueStore extends AutoCloseable {
    /**
     * Every stored job, HIGH before NORMAL before LOW, and within one priority in the order the rows
     * were written (see docs/persistence.md for how each store keeps that order).
     *
     * @throws QueueStoreException when the table cannot be read or holds a row gearmand's layout does not allow
     */
    List<StoredJob> loadAll();

    /**
     * Applies {@code changes}, in order, in one transaction, and returns once that transaction is
     * durable (fsync'd). All or nothing: on failure the transaction is rolled back and none of the
     * changes is stored, and the store stays usable for the next call.
     *
     * @throws QueueStoreException when the transaction fails, with the database's reason
     */
    void commit(List<StoreChange> changes);

    /** Stores {@code jobs} in one transaction: {@code commit} of one {@link StoreChange.Add} each. */
    default void add(List<StoredJob> jobs) {
        commit(jobs.stream().<StoreChange>map(StoreChange.Add::new).toList());
    }

    /** Removes {@code jobs}' rows in one transaction: {@code commit} of one {@link StoreChange.Remove} each. */
    default void remove(List<StoredJob> jobs) {
        commit(jobs.stream().<StoreChange>map(StoreChange.Remove::new).toList());
    }

    /**
     * Checks that {@code job} can be stored here at all (e.g. PostgreSQL's text columns take only
     * UTF-8 and at most 64 bytes of unique), so one bad row is refused on its own instead of failing
     * the whole group it would be committed with. Thread-safe; touches no database.
     *
     * @throws QueueStoreException saying what this store cannot hold
     */
    default void check(StoredJob job) {
    }

    /** Where the rows live, e.g. {@code sqlite /var/lib/geard/queue.db table gearman_queue}; never a password. */
    String description();

    /** Closes the database connection. Idempotent. */
    @Override
    void close();
}
