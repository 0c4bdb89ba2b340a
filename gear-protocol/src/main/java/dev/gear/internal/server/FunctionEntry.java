package dev.gear.internal.server;

import dev.gear.Precedence;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One function: its three FIFO queues, its workers and its unique-id index. Loop thread only.
 *
 * <p>Removal from the middle of a queue (cancel, a client leaving) is lazy: the job's state
 * changes and {@link #peek} drops it when it reaches the head, so every operation stays O(1)
 * amortised. The counters are kept exact at all times.
 */
final class FunctionEntry {
    final String name;
    /** The name's bytes, written into every JOB_ASSIGN. */
    final byte[] nameBytes;
    @SuppressWarnings("unchecked")
    private final ArrayDeque<ServerJob>[] queues = new ArrayDeque[] {new ArrayDeque<>(), new ArrayDeque<>(), new ArrayDeque<>()};
    /** Live queued jobs per priority (the deques may still hold removed ones). */
    final int[] queued = new int[3];
    final int[] running = new int[3];
    /**
     * Background jobs per priority waiting for their row to be durable (STORING): not queued yet,
     * but already promised a place, so they count against maxqueue and keep the function in use.
     */
    final int[] storing = new int[3];
    /** gearmand's {@code maxqueue} per priority; 0 means unlimited. */
    final int[] maxQueue = new int[3];
    int delayed;
    /** Jobs a hold keeps out of the queues ({@link JobHolds}). */
    int held;
    /** Connections that registered this function, each counted once; change through {@link #addWorker}/{@link #removeWorker}. */
    final Set<Peer> workers = new LinkedHashSet<>();
    /** {@link #workers} as an array: every submit walks it to wake sleepers. */
    private Peer[] workerArray = new Peer[0];
    /** Registrations (a worker sending CAN_DO twice counts twice, like gearmand). */
    int registrations;
    /** Queued or running jobs by unique key. */
    final UniqueIndex byUnique = new UniqueIndex();
    /** Set when {@code drop function} removed it, so a connection's cached lookup is not reused. */
    boolean dropped;

    FunctionEntry(String name) {
        this.name = name;
        this.nameBytes = Bytes.fromKey(name);
    }

    /** Whether this function's name is {@code bytes[from, to)}. */
    boolean hasName(byte[] bytes, int from, int to) {
        return java.util.Arrays.equals(nameBytes, 0, nameBytes.length, bytes, from, to);
    }

    void addWorker(Peer peer) {
        if (workers.add(peer)) {
            workerArray = workers.toArray(new Peer[0]);
        }
    }

    void removeWorker(Peer peer) {
        if (workers.remove(peer)) {
            workerArray = workers.toArray(new Peer[0]);
        }
    }

    /** The workers, in registration order; do not modify. */
    Peer[] workerArray() {
        return workerArray;
    }

    String displayName() {
        return Bytes.display(name);
    }

    /** {@code maxqueue}: a limit per priority, HIGH, NORMAL, LOW; 0 or less is unlimited. */
    void setMaxQueue(int[] limits) {
        for (int i = 0; i < 3; i++) {
            maxQueue[i] = Math.max(0, limits[i]);
        }
    }

    /** Index of a precedence in the arrays: HIGH 0, NORMAL 1, LOW 2 (dispatch order). */
    static int rank(Precedence p) {
        return switch (p) {
            case HIGH -> 0;
            case NORMAL -> 1;
            case LOW -> 2;
        };
    }

    static final Precedence[] BY_RANK = {Precedence.HIGH, Precedence.NORMAL, Precedence.LOW};

    void enqueue(ServerJob job) {
        queues[job.rank].addLast(job);
        queued[job.rank]++;
    }

    /**
     * Queues a released job in its place by sequence (the deques are in sequence order): a job
     * held while later ones were queued goes before them again. O(queue) unless it is the newest.
     */
    void enqueueInOrder(ServerJob job) {
        ArrayDeque<ServerJob> q = queues[job.rank];
        ServerJob last = q.peekLast();
        if (last == null || last.sequence < job.sequence) {
            q.addLast(job);
        } else {
            List<ServerJob> all = new ArrayList<>(q);
            int at = 0;
            while (at < all.size() && all.get(at).sequence < job.sequence) {
                at++;
            }
            all.add(at, job);
            q.clear();
            q.addAll(all);
        }
        queued[job.rank]++;
    }

    /** The oldest live job of priority {@code rank}, or null; drops removed jobs from the head. */
    ServerJob peek(int rank) {
        ArrayDeque<ServerJob> q = queues[rank];
        ServerJob head;
        while ((head = q.peekFirst()) != null && head.state != ServerJob.State.QUEUED) {
            q.pollFirst();
        }
        return head;
    }

    /** Takes {@code job}, which {@link #peek} just returned, off its queue. */
    void take(ServerJob job) {
        int r = job.rank;
        ServerJob head = queues[r].pollFirst();
        assert head == job;
        queued[r]--;
    }

    /** Marks a queued job as gone; it leaves the deque when it reaches the head. */
    void removeQueued(ServerJob job) {
        queued[job.rank]--;
    }

    /** Live queued jobs of priority {@code rank}, FIFO (for snapshots and admin output). */
    List<ServerJob> queue(int rank) {
        List<ServerJob> out = new ArrayList<>(queued[rank]);
        for (ServerJob j : queues[rank]) {
            if (j.state == ServerJob.State.QUEUED) {
                out.add(j);
            }
        }
        return out;
    }

    int totalQueued() {
        return queued[0] + queued[1] + queued[2];
    }

    int totalRunning() {
        return running[0] + running[1] + running[2];
    }

    boolean isIdle() {
        return workers.isEmpty() && totalQueued() == 0 && totalRunning() == 0 && delayed == 0 && held == 0
                && storing[0] + storing[1] + storing[2] == 0;
    }
}
