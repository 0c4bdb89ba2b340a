package dev.gear.bench.raw;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** What the connections of one measured run report to the thread that waits for it. */
public final class RunControl {
    private final CountDownLatch clients;
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong late = new AtomicLong();

    public RunControl(int clients) {
        this.clients = new CountDownLatch(clients);
    }

    void clientDone() {
        clients.countDown();
    }

    void error() {
        errors.incrementAndGet();
    }

    void lateJob() {
        late.incrementAndGet();
    }

    /** Waits until every client has had its last answer; false on timeout. */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return clients.await(timeout, unit);
    }

    public long errors() {
        return errors.get();
    }

    /** Jobs that completed after the run's end (not in its rate). */
    public long late() {
        return late.get();
    }
}
