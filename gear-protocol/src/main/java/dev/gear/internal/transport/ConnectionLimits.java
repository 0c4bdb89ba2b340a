package dev.gear.internal.transport;

import dev.gear.internal.codec.FrameDecoder;
import java.time.Duration;

/**
 * Per-connection bounds, plus the number of connections a listener lets in.
 *
 * @param maxPacketSize          largest packet body accepted, in bytes
 * @param maxLineLength          largest text line accepted, in bytes
 * @param maxQueuedOutput        output bytes queued for a peer before it is dropped as a slow reader
 * @param incompleteFrameTimeout how long a peer may leave a frame (packet or text line) unfinished,
 *                               and how long a closing connection may take to accept its last output,
 *                               before it is closed; zero for no limit
 * @param maxConnections         connections open on the loop beyond which a listener closes what it
 *                               accepts at once; zero for no limit
 */
public record ConnectionLimits(long maxPacketSize, int maxLineLength, long maxQueuedOutput,
        Duration incompleteFrameTimeout, int maxConnections) {
    /** 64 MiB packets, 8 KiB lines, 256 MiB queued output, no frame timeout, no connection limit. */
    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(64L << 20, 8192, 256L << 20);

    public ConnectionLimits {
        if (incompleteFrameTimeout == null || incompleteFrameTimeout.isNegative()) {
            incompleteFrameTimeout = Duration.ZERO;
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections must be >= 0, was " + maxConnections);
        }
    }

    /** Bounds without a frame timeout or connection limit (what clients use). */
    public ConnectionLimits(long maxPacketSize, int maxLineLength, long maxQueuedOutput) {
        this(maxPacketSize, maxLineLength, maxQueuedOutput, Duration.ZERO, 0);
    }

    FrameDecoder newDecoder() {
        return new FrameDecoder(maxPacketSize, maxLineLength);
    }

    /** The frame timeout in nanoseconds, 0 for none. */
    long incompleteFrameTimeoutNanos() {
        try {
            return incompleteFrameTimeout.toNanos();
        } catch (ArithmeticException e) {
            return EventLoop.MAX_DELAY_NANOS;
        }
    }
}
