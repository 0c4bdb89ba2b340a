package dev.gear.testkit;

import dev.gear.testkit.internal.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * Something the test server does to a connection to break it on purpose. The set is closed.
 *
 * <p>Faults are applied toward one peer, either at a protocol point
 * ({@link EmbeddedGearmanServer#onJobAssigned(String, GearFault)},
 * {@link EmbeddedGearmanServer#onJobCreated(String, GearFault)}) or at once
 * ({@link EmbeddedGearmanServer#injectFault(long, GearFault)}). Each application is recorded as a
 * {@link JournalEvent.FaultInjected}.
 *
 * @since 0.1
 */
public sealed interface GearFault {
    /** Close the connection after flushing what was already sent (FIN): the peer sees the last packet, then EOF. */
    record Disconnect() implements GearFault {
    }

    /** Abort the connection at once (RST via SO_LINGER 0); pending output is lost. */
    record Reset() implements GearFault {
    }

    /** Send these bytes to the peer as if they were protocol data. */
    record Garbage(Payload bytes) implements GearFault {
        public Garbage {
            Objects.requireNonNull(bytes, "bytes");
        }
    }

    /**
     * Send a packet header announcing a body longer than what follows, then close: the peer's
     * decoder is left mid-packet at EOF.
     */
    record TruncatedPacket() implements GearFault {
    }

    /** Stop reading from the peer for {@code duration}: its packets reach the server that much later. */
    record Delay(Duration duration) implements GearFault {
        public Delay {
            if (duration.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative, was " + Durations.human(duration));
            }
        }

        /** {@code Delay[300 ms]}: durations read as people write them. */
        @Override
        public String toString() {
            return "Delay[" + Durations.human(duration) + "]";
        }
    }

    static GearFault disconnect() {
        return new Disconnect();
    }

    static GearFault reset() {
        return new Reset();
    }

    static GearFault garbage(byte[] bytes) {
        return new Garbage(Payload.of(bytes));
    }

    static GearFault truncatedPacket() {
        return new TruncatedPacket();
    }

    static GearFault delay(Duration duration) {
        return new Delay(duration);
    }
}
