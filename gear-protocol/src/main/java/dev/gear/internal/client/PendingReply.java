package dev.gear.internal.client;

import dev.gear.GearmanException;
import dev.gear.PacketType;
import dev.gear.Packet;

/**
 * One request waiting for its answer in a connection's FIFO. Servers answer the requests of one
 * connection in order, and the FIFO is filled on the I/O thread in the order the packets are
 * written, so the head is always the request the next reply belongs to. All methods run on the
 * I/O thread.
 */
public interface PendingReply {
    /** Whether {@code type} answers this request (ERROR answers any). */
    boolean expects(PacketType type);

    /** The answer arrived. */
    void onReply(Packet packet);

    /** An ERROR packet answered this request, or the connection was lost before the answer. */
    void onFailure(GearmanException error);

    /**
     * Whether the caller has given up (timed out). An abandoned request stays in the FIFO so that
     * its late answer is consumed by it; if another answer arrives first, it is assumed the server
     * will never answer it and it is dropped.
     */
    default boolean isAbandoned() {
        return false;
    }

    /**
     * Whether the caller waits for this answer only until {@link #deadline()}. The connection
     * checks every deadline of its FIFO with one timer (not one timer per request: at tens of
     * thousands of requests a second, a timer each filled the loop's timer heap with cancelled
     * entries for the whole timeout).
     */
    default boolean hasDeadline() {
        return false;
    }

    /** {@link System#nanoTime()} after which {@link #expire} is called; meaningful with {@link #hasDeadline()}. */
    default long deadline() {
        return 0;
    }

    /**
     * The deadline passed without an answer: fail the caller, so that {@link #isAbandoned()}
     * becomes true. The entry stays in the FIFO (see {@link #isAbandoned()}).
     */
    default void expire(ServerLink<?> connection) {
    }
}
