package dev.gear.bench.raw;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker that echoes every job: CAN_DO, GRAB_JOB; NO_JOB → PRE_SLEEP; NOOP → GRAB_JOB;
 * JOB_ASSIGN → WORK_COMPLETE with the job's payload, followed in the same write by the next
 * GRAB_JOB (so the server never waits for the worker between jobs).
 */
public final class RawWorker extends RawConnection {
    private final byte[] function;
    private final AtomicLong completed;
    private final AtomicLong errors;

    /**
     * @param completed counts every job this worker completed (shared by the workers of a run, so a
     *                  drain can watch one number)
     * @param errors    counts protocol errors and lost connections
     */
    public RawWorker(String function, int bufferBytes, AtomicLong completed, AtomicLong errors) {
        super(bufferBytes);
        this.function = function.getBytes(StandardCharsets.UTF_8);
        this.completed = completed;
        this.errors = errors;
    }

    @Override
    protected void onOpen() {
        RawCodec.oneArgument(out, RawCodec.CAN_DO, function);
        RawCodec.empty(out, RawCodec.GRAB_JOB);
    }

    @Override
    protected void onPacket(int type, ByteBuffer in, int bodyAt, int bodyLength) {
        switch (type) {
            case RawCodec.JOB_ASSIGN -> {
                // handle \0 function \0 payload
                int end = bodyAt + bodyLength;
                int handleEnd = RawCodec.argumentEnd(in, bodyAt, end);
                int functionEnd = RawCodec.argumentEnd(in, handleEnd + 1, end);
                int dataAt = Math.min(functionEnd + 1, end);
                int handleLength = handleEnd - bodyAt;
                int dataLength = end - dataAt;
                reserve(2 * RawCodec.HEADER + handleLength + 1 + dataLength);
                RawCodec.workComplete(out, in, bodyAt, handleLength, dataAt, dataLength);
                RawCodec.empty(out, RawCodec.GRAB_JOB);
                completed.incrementAndGet();
            }
            case RawCodec.NO_JOB -> {
                reserve(RawCodec.HEADER);
                RawCodec.empty(out, RawCodec.PRE_SLEEP);
            }
            case RawCodec.NOOP -> {
                reserve(RawCodec.HEADER);
                RawCodec.empty(out, RawCodec.GRAB_JOB);
            }
            default -> errors.incrementAndGet(); // ERROR or anything a worker should not get
        }
    }

    @Override
    protected void onFailure(String reason) {
        errors.incrementAndGet();
    }
}
