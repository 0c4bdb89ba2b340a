package dev.gear.bench.raw;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client that enqueues {@code jobs} background jobs (SUBMIT_JOB_BG), pipelined: up to
 * {@code window} submits are unanswered at a time, and each JOB_CREATED lets one more go. Done
 * when every submit has its JOB_CREATED.
 */
public final class RawBackgroundClient extends RawConnection {
    private final byte[] function;
    private final byte[] payload;
    private final int window;
    private final boolean distinctUniques;
    private final long uniqueBase;
    private final AtomicLong errors;
    private long jobs;
    private long sent;
    private long created;
    private CountDownLatch done;

    /** @param uniqueBase first unique number of this client when uniques are distinct (clients must not overlap) */
    public RawBackgroundClient(String function, byte[] payload, int window, boolean distinctUniques, long uniqueBase,
            AtomicLong errors) {
        super(Math.max(64 * 1024, 4 * (payload.length + 64)));
        this.function = function.getBytes(StandardCharsets.UTF_8);
        this.payload = payload;
        this.window = window;
        this.distinctUniques = distinctUniques;
        this.uniqueBase = uniqueBase;
        this.errors = errors;
    }

    @Override
    protected void onOpen() {
        // nothing until enqueue()
    }

    /** On the loop thread: sends the first window of {@code jobs} submits; {@code done} counts down at the end. */
    public void enqueue(long jobs, CountDownLatch done) {
        this.jobs = jobs;
        this.done = done;
        this.sent = 0;
        this.created = 0;
        if (jobs == 0) {
            done.countDown();
            return;
        }
        sendUpTo(window);
        flush();
    }

    private void sendUpTo(long outstanding) {
        while (sent < jobs && sent - created < outstanding) {
            reserve(3 * RawCodec.HEADER + function.length + 22 + payload.length);
            RawCodec.submit(out, RawCodec.SUBMIT_JOB_BG, function, distinctUniques ? uniqueBase + sent : -1, payload);
            sent++;
        }
    }

    @Override
    protected void onPacket(int type, ByteBuffer in, int bodyAt, int bodyLength) {
        if (type != RawCodec.JOB_CREATED) {
            errors.incrementAndGet();
            return;
        }
        created++;
        if (created == jobs) {
            done.countDown();
        } else {
            sendUpTo(window);
        }
    }

    @Override
    protected void onFailure(String reason) {
        errors.addAndGet(Math.max(1, jobs - created));
        if (done != null && created < jobs) {
            done.countDown();
        }
    }
}
