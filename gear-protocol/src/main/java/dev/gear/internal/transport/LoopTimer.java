package dev.gear.internal.transport;

/**
 * A task an {@link EventLoop} runs at a deadline ({@code System.nanoTime} based); ordered by
 * deadline, then by the order they were scheduled. Cancelled from any thread; run on the loop.
 */
final class LoopTimer implements Comparable<LoopTimer>, Cancellable {
    final long deadline;
    final Runnable task;
    long sequence;
    volatile boolean cancelled;

    LoopTimer(long deadline, Runnable task) {
        this.deadline = deadline;
        this.task = task;
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    @Override
    public int compareTo(LoopTimer o) {
        int c = Long.compare(deadline - o.deadline, 0); // by subtraction: nanoTime may wrap
        return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
}
