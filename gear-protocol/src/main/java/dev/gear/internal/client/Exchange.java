package dev.gear.internal.client;

import dev.gear.GearmanException;
import dev.gear.GearmanTimeoutException;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.transport.Cancellable;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A request whose answer completes a future: {@code mapper} turns the reply packet into the result
 * on the I/O thread (so state such as a job's handle is in place before the next packet is read),
 * and a timer on the I/O thread fails the future when the answer is late.
 */
public final class Exchange<T> implements PendingReply {
    private final Set<PacketType> expected;
    private final Function<Packet, T> mapper;
    private final CompletableFuture<T> result;
    private Cancellable timer;

    public Exchange(Set<PacketType> expected, Function<Packet, T> mapper, CompletableFuture<T> result) {
        this.expected = EnumSet.copyOf(expected);
        this.mapper = mapper;
        this.result = result;
    }

    public CompletableFuture<T> result() {
        return result;
    }

    /** Arms the timeout; call on the I/O thread once the request is written. */
    void armTimeout(ServerConnection connection, java.time.Duration timeout, String what) {
        timer = connection.loop().schedule(timeout, () -> result.completeExceptionally(new GearmanTimeoutException(
                what + " on " + connection + " got no answer within " + timeout.toMillis() + " ms")));
    }

    @Override
    public boolean expects(PacketType type) {
        return expected.contains(type);
    }

    @Override
    public void onReply(Packet packet) {
        cancelTimer();
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
        cancelTimer();
        result.completeExceptionally(error);
    }

    @Override
    public boolean isAbandoned() {
        return result.isDone();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
        }
    }
}
