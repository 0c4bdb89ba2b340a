package dev.gear.bench.raw;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.gear.bench.Latencies;

/**
 * A client that keeps up to {@code inFlight} foreground jobs (SUBMIT_JOB) outstanding on its
 * connection during a run, submitting the next as soon as one completes (closed loop, pipelined).
 *
 * <p>Bookkeeping without allocation: each outstanding job has a slot holding its submit time and,
 * once JOB_CREATED arrives, its handle. The server answers submits on one connection in order, so
 * JOB_CREATED fills slots first-in first-out; WORK_COMPLETE finds its slot by comparing handles
 * (at most {@code inFlight} of them).
 */
public final class RawClient extends RawConnection {
    private final byte[] function;
    private final byte[] payload;
    private final boolean distinctUniques;
    private final int inFlight;
    private final long[] submittedAt;
    private final byte[][] handles;
    private final int[] handleLengths;
    /** Slot state: 0 free, 1 submitted (waiting for JOB_CREATED), 2 created. */
    private final byte[] state;
    /** Slots waiting for JOB_CREATED, in submit order. */
    private final int[] createQueue;
    private int createHead;
    private int createTail;
    private int outstanding;
    private int awaitingCreated;
    private long uniqueCounter;

    private RunControl run;
    private Latencies latencies;
    private long endNanos;

    public RawClient(String function, byte[] payload, int inFlight, boolean distinctUniques, int bufferBytes) {
        super(bufferBytes);
        this.function = function.getBytes(StandardCharsets.UTF_8);
        this.payload = payload;
        this.inFlight = inFlight;
        this.distinctUniques = distinctUniques;
        this.submittedAt = new long[inFlight];
        this.handles = new byte[inFlight][64];
        this.handleLengths = new int[inFlight];
        this.state = new byte[inFlight];
        this.createQueue = new int[inFlight];
    }

    @Override
    protected void onOpen() {
        // nothing until a run starts
    }

    /**
     * Starts a run on the loop thread: jobs go out until {@code endNanos}; those that complete by
     * then are recorded in {@code latencies}, later ones count as late; when the last outstanding
     * job is answered after the end, {@code run} hears of it.
     */
    public void start(RunControl run, Latencies latencies, long endNanos) {
        this.run = run;
        this.latencies = latencies;
        this.endNanos = endNanos;
        if (isClosed()) {
            run.clientDone();
            return;
        }
        while (outstanding < inFlight) {
            submit(System.nanoTime());
        }
        flush();
    }

    private void submit(long now) {
        int slot = 0;
        while (state[slot] != 0) {
            slot++;
        }
        state[slot] = 1;
        submittedAt[slot] = now;
        createQueue[createTail] = slot;
        createTail = (createTail + 1) % inFlight;
        outstanding++;
        awaitingCreated++;
        reserve(3 * RawCodec.HEADER + function.length + 22 + payload.length);
        RawCodec.submit(out, RawCodec.SUBMIT_JOB, function, distinctUniques ? uniqueCounter++ : -1, payload);
    }

    @Override
    protected void onPacket(int type, ByteBuffer in, int bodyAt, int bodyLength) {
        switch (type) {
            case RawCodec.JOB_CREATED -> {
                if (awaitingCreated == 0) {
                    run.error();
                    return;
                }
                awaitingCreated--;
                int slot = createQueue[createHead];
                createHead = (createHead + 1) % inFlight;
                if (handles[slot].length < bodyLength) {
                    handles[slot] = Arrays.copyOf(handles[slot], bodyLength * 2);
                }
                in.get(bodyAt, handles[slot], 0, bodyLength);
                handleLengths[slot] = bodyLength;
                state[slot] = 2;
            }
            case RawCodec.WORK_COMPLETE, RawCodec.WORK_FAIL, RawCodec.WORK_EXCEPTION -> {
                long now = System.nanoTime();
                int handleEnd = RawCodec.argumentEnd(in, bodyAt, bodyAt + bodyLength);
                int slot = slotOf(in, bodyAt, handleEnd - bodyAt);
                if (slot < 0) {
                    run.error();
                    return;
                }
                state[slot] = 0;
                outstanding--;
                boolean ok = type == RawCodec.WORK_COMPLETE && bodyAt + bodyLength - handleEnd - 1 == payload.length;
                if (!ok) {
                    run.error();
                } else if (now <= endNanos) {
                    latencies.add(now - submittedAt[slot]);
                } else {
                    run.lateJob();
                }
                if (now < endNanos) {
                    submit(now);
                } else if (outstanding == 0) {
                    run.clientDone();
                }
            }
            case RawCodec.WORK_DATA, RawCodec.WORK_WARNING -> {
                // an echo worker sends none; harmless if a server forwarded some
            }
            default -> run.error();
        }
    }

    private int slotOf(ByteBuffer in, int handleAt, int handleLength) {
        for (int slot = 0; slot < inFlight; slot++) {
            if (state[slot] == 2 && handleLengths[slot] == handleLength
                    && RawCodec.equalBytes(in, handleAt, handles[slot], handleLength)) {
                return slot;
            }
        }
        return -1;
    }

    @Override
    protected void onFailure(String reason) {
        if (run != null) {
            for (int i = 0; i < outstanding; i++) {
                run.error();
            }
            boolean wasRunning = outstanding > 0 || System.nanoTime() < endNanos;
            outstanding = 0;
            awaitingCreated = 0;
            if (wasRunning) {
                run.clientDone();
            }
        }
    }
}
