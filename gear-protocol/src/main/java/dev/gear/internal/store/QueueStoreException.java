package dev.gear.internal.store;

/**
 * A queue store could not read or write its rows: the database is unreachable, the file is
 * read-only or the disk is full, the table has the wrong layout, or a row cannot be stored there.
 * The message says which store, which operation, and the database's own words; the server answers
 * the submitters of the rows concerned with ERROR {@code QUEUE_ERROR}.
 */
public final class QueueStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, in which store */
    public QueueStoreException(String message) {
        super(message);
    }

    /**
     * @param message what failed, in which store
     * @param cause   the database's exception
     */
    public QueueStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
