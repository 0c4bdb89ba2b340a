package dev.gear.internal.client;

import dev.gear.GearmanException;
import dev.gear.Packet;
import dev.gear.PacketType;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A request whose answer completes a future: {@code mapper} turns the reply packet into the result
 * on the I/O thread (so state such as a job's handle is in place before the next packet is read),
 * and the connection's deadline check fails the future when the answer is late.
 */
public final class Exchange<T> implements PendingReply {
    private final Set<PacketType> expected;
    private final Function<Packet, T> mapper;
    private final CompletableFuture<T> result;
    private final long deadline;
    private final long timeoutNanos;
    private final String what;

    /**
     * @param expected the reply types that answer the request (not copied: pass a constant or a set
     *                 nobody changes)
     * @param timeout  how long the caller waits for the answer, from now
     * @param what     names the request in the timeout message
     */
    public Exchange(Set<PacketType> expected, Function<Packet, T> mapper, CompletableFuture<T> result,
            Duration timeout, String what) {
        this.expected = expected;
        this.mapper = mapper;
        this.result = result;
        this.timeoutNanos = Deadlines.nanos(timeout);
        this.what = what;
        this.deadline = System.nanoTime() + timeoutNanos;
    }

    public CompletableFuture<T> result() {
        return result;
    }

    @Override
    public boolean hasDeadline() {
        return true;
    }

    @Override
    public long deadline() {
        return deadline;
    }

    @Override
    public void expire(ServerLink<?> connection) {
        result.completeExceptionally(Deadlines.noAnswer(what, connection, timeoutNanos, ""));
    }

    @Override
    public boolean expects(PacketType type) {
        return expected.contains(type);
    }

    @Override
    public void onReply(Packet packet) {
        if (result.isDone()) {
            return;
        }
        try {
            result.complete(mapper.apply(packet));
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    @Override
    public void onFailure(GearmanException error) {
        result.completeExceptionally(error);
    }

    @Override
    public boolean isAbandoned() {
        return result.isDone();
    }
}
