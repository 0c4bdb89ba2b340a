package dev.gear.internal.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes a {@link QueueStore}: group commit.
 *
 * <p>Callers (the server's event loop) hand over changes and get a {@link CompletableFuture} per
 * call, never blocking on the disk. The writer takes everything that arrived while its previous
 * commit ran and commits it in one transaction (so under load one fsync covers thousands of rows),
 * then completes those futures - on the writer thread, so callers hand the completion back to their
 * own thread (the server's loop turns it into JOB_CREATED or ERROR {@code QUEUE_ERROR}).
 *
 * <p>Failure is per transaction: every future of a failed transaction completes exceptionally
 * with the store's {@link QueueStoreException}; nothing is dropped silently, and the writer goes on
 * with the next group. The changes of one call are never split between transactions; a group ends
 * after the call that brings it to {@code maxGroupRows} changes.
 */
public final class GroupCommitWriter implements AutoCloseable {
    /** Changes in one transaction at most, unless one call alone brings more. */
    public static final int DEFAULT_MAX_GROUP_ROWS = 65_536;

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

    private record Request(List<StoreChange> changes, CompletableFuture<Void> done) {
    }

    private final QueueStore store;
    private final int maxGroupRows;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final Thread thread;
    private List<Request> queue = new ArrayList<>();
    private boolean closing;

    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong failedCommits = new AtomicLong();
    private final AtomicLong rowsCommitted = new AtomicLong();

    /**
     * Starts the writer thread {@code threadName} (a daemon: a store must never keep a JVM alive).
     * The writer owns {@code store} from now on and closes it in {@link #close()}.
     */
    public GroupCommitWriter(QueueStore store, String threadName) {
        this(store, threadName, DEFAULT_MAX_GROUP_ROWS);
    }

    /** As {@link #GroupCommitWriter(QueueStore, String)}, with a cap on the rows of one transaction. */
    public GroupCommitWriter(QueueStore store, String threadName, int maxGroupRows) {
        if (maxGroupRows < 1) {
            throw new IllegalArgumentException("maxGroupRows must be at least 1, was " + maxGroupRows);
        }
        this.store = store;
        this.maxGroupRows = maxGroupRows;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stores {@code jobs}; the future completes once their rows are durable. */
    public CompletableFuture<Void> add(List<StoredJob> jobs) {
        return submit(jobs.stream().<StoreChange>map(StoreChange.Add::new).toList());
    }

    /** Removes {@code jobs}' rows; the future completes once the removal is durable. */
    public CompletableFuture<Void> remove(List<StoredJob> jobs) {
        return submit(jobs.stream().<StoreChange>map(StoreChange.Remove::new).toList());
    }

    /**
     * Queues {@code changes} for the next group; never blocks on the disk.
     *
     * @return completes normally once durable; exceptionally with {@link QueueStoreException} when
     *         the store cannot hold a row ({@link QueueStore#check}), the transaction fails, or the
     *         writer is closed
     */
    public CompletableFuture<Void> submit(List<StoreChange> changes) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        List<StoreChange> copy = List.copyOf(changes);
        try {
            for (StoreChange change : copy) {
                if (change instanceof StoreChange.Add) {
                    store.check(change.job());
                }
            }
        } catch (QueueStoreException refused) {
            done.completeExceptionally(refused);
            return done;
        }
        if (copy.isEmpty()) {
            done.complete(null);
            return done;
        }
        lock.lock();
        try {
            if (closing) {
                done.completeExceptionally(new QueueStoreException("The queue store writer of " + store.description()
                        + " is closed; " + copy.size() + " change(s) not stored"));
                return done;
            }
            queue.add(new Request(copy, done));
            arrived.signal();
        } finally {
            lock.unlock();
        }
        return done;
    }

    private void run() {
        List<Request> carried = new ArrayList<>();
        while (true) {
            List<Request> group;
            lock.lock();
            try {
                while (queue.isEmpty() && carried.isEmpty() && !closing) {
                    arrived.awaitUninterruptibly();
                }
                if (queue.isEmpty() && carried.isEmpty()) {
                    return; // closing, and everything before it is written
                }
                if (carried.isEmpty()) {
                    carried = queue;
                    queue = new ArrayList<>();
                } else {
                    carried.addAll(queue);
                    queue.clear();
                }
            } finally {
                lock.unlock();
            }
            group = new ArrayList<>();
            int rows = 0;
            int taken = 0;
            while (taken < carried.size() && (rows == 0 || rows + carried.get(taken).changes().size() <= maxGroupRows)) {
                Request request = carried.get(taken++);
                group.add(request);
                rows += request.changes().size();
            }
            carried = new ArrayList<>(carried.subList(taken, carried.size()));
            commitGroup(group, rows);
        }
    }

    private void commitGroup(List<Request> group, int rows) {
        List<StoreChange> changes = new ArrayList<>(rows);
        for (Request request : group) {
            changes.addAll(request.changes());
        }
        Throwable failure = null;
        try {
            store.commit(changes);
            commits.incrementAndGet();
            rowsCommitted.addAndGet(rows);
        } catch (QueueStoreException e) {
            failure = e;
        } catch (RuntimeException | Error e) {
            // A bug or an unexpected driver exception: still the callers' answer, never a dead writer.
            failure = new QueueStoreException("Cannot commit " + rows + " change(s) to " + store.description() + ": " + e, e);
        }
        if (failure != null) {
            failedCommits.incrementAndGet();
            LOG.warn("{}: a group of {} change(s) in {} request(s) failed: {}", store.description(), rows, group.size(),
                    failure.getMessage());
        }
        for (Request request : group) {
            if (failure == null) {
                request.done().complete(null);
            } else {
                request.done().completeExceptionally(failure);
            }
        }
    }

    /** Transactions committed so far (a group that failed is not counted here). */
    public long commits() {
        return commits.get();
    }

    /** Transactions that failed (their callers got the error). */
    public long failedCommits() {
        return failedCommits.get();
    }

    /** Changes (added plus removed rows) in committed transactions. */
    public long rowsCommitted() {
        return rowsCommitted.get();
    }

    /** The store this writer owns. */
    public QueueStore store() {
        return store;
    }

    /**
     * Writes what was submitted before, stops the thread and closes the store. Later submissions
     * fail with a message saying the writer is closed. Idempotent.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            arrived.signal();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != thread) {
            boolean interrupted = false;
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // finish the join: the store must not close under the writer
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        store.close();
    }
}
