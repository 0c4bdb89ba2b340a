package dev.gear.internal.server;

import dev.gear.Precedence;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
    private final List<ArrayDeque<ServerJob>> queues = List.of(new ArrayDeque<>(), new ArrayDeque<>(), new ArrayDeque<>());
    /** Live queued jobs per priority (the deques may still hold removed ones). */
    final int[] queued = new int[3];
    final int[] running = new int[3];
    /** gearmand's {@code maxqueue} per priority; 0 means unlimited. */
    final int[] maxQueue = new int[3];
    int delayed;
    /** Connections that registered this function, each counted once. */
    final Set<Peer> workers = new LinkedHashSet<>();
    /** Registrations (a worker sending CAN_DO twice counts twice, like gearmand). */
    int registrations;
    /** Queued or running jobs by unique key. */
    final Map<String, ServerJob> byUnique = new HashMap<>();

    FunctionEntry(String name) {
        this.name = name;
    }

    String displayName() {
        return Bytes.display(name);
    }

    /** Index of a precedence in the arrays: HIGH 0, NORMAL 1, LOW 2 (dispatch order). */
    static int rank(Precedence p) {
        switch (p) {
            case HIGH: return 0;
            case NORMAL: return 1;
            default: return 2;
        }
    }

    static final Precedence[] BY_RANK = {Precedence.HIGH, Precedence.NORMAL, Precedence.LOW};

    void enqueue(ServerJob job) {
        queues.get(rank(job.precedence)).addLast(job);
        queued[rank(job.precedence)]++;
    }

    /** The oldest live job of priority {@code rank}, or null; drops removed jobs from the head. */
    ServerJob peek(int rank) {
        ArrayDeque<ServerJob> q = queues.get(rank);
        ServerJob head;
        while ((head = q.peekFirst()) != null && head.state != ServerJob.State.QUEUED) {
            q.pollFirst();
        }
        return head;
    }

    /** Takes {@code job}, which {@link #peek} just returned, off its queue. */
    void take(ServerJob job) {
        int r = rank(job.precedence);
        ServerJob head = queues.get(r).pollFirst();
        assert head == job;
        queued[r]--;
    }

    /** Marks a queued job as gone; it leaves the deque when it reaches the head. */
    void removeQueued(ServerJob job) {
        queued[rank(job.precedence)]--;
    }

    /** Live queued jobs of priority {@code rank}, FIFO (for snapshots and admin output). */
    Iterable<ServerJob> queue(int rank) {
        return () -> queues.get(rank).stream().filter(j -> j.state == ServerJob.State.QUEUED).iterator();
    }

    int totalQueued() {
        return queued[0] + queued[1] + queued[2];
    }

    int totalRunning() {
        return running[0] + running[1] + running[2];
    }

    boolean isIdle() {
        return workers.isEmpty() && totalQueued() == 0 && totalRunning() == 0 && delayed == 0;
    }
}
