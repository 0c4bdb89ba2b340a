package dev.gear.internal.transport;

import dev.gear.internal.codec.FrameDecoder;

/**
 * Per-connection bounds.
 *
 * @param maxPacketSize   largest packet body accepted, in bytes
 * @param maxLineLength   largest text line accepted, in bytes
 * @param maxQueuedOutput output bytes queued for a peer before it is dropped as a slow reader
 */
public record ConnectionLimits(long maxPacketSize, int maxLineLength, long maxQueuedOutput) {
    /** 64 MiB packets, 8 KiB lines, 256 MiB queued output. */
    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(64L << 20, 8192, 256L << 20);

    FrameDecoder newDecoder() {
        return new FrameDecoder(maxPacketSize, maxLineLength);
    }
}
