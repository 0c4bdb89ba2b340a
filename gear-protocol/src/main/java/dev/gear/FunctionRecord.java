package dev.gear;

import java.time.Duration;
import java.util.Objects;

/**
 * A function a {@link Worker} can run, for {@link Worker#setFunctions}.
 *
 * @param name    the function name (UTF-8 on the wire)
 * @param timeout how long the server lets a job of it run (CAN_DO_TIMEOUT), or null for no limit.
 *                Sent in milliseconds, which is how gearmand reads it (gearmand raises anything
 *                below one second to one second)
 */
public record FunctionRecord(String name, Duration timeout) {
    public FunctionRecord {
        WireNames.check("function name", Objects.requireNonNull(name, "name"));
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }

    /** A function without a timeout. */
    public FunctionRecord(String name) {
        this(name, null);
    }
}
