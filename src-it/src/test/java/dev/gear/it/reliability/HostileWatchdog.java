package dev.gear.it.reliability;

import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.it.support.RawConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A well-behaved peer that keeps using the server while others attack it: in a loop, one ECHO
 * round trip and one full job round trip (a client submits, a worker grabs and completes, the
 * client gets WORK_COMPLETE). It records every round's latency and the first failure (every read
 * has a timeout, so a server that stops answering is a failure, not a hang).
 *
 * <p>Its function name is one no hostile frame uses, so nobody else takes or cancels its jobs.
 */
final class HostileWatchdog implements AutoCloseable {
    private static final String FUNCTION = "hostile-watchdog-5b1e";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final RawConnection client;
    private final RawConnection worker;
    private final Thread thread;
    private final CountDownLatch firstRound = new CountDownLatch(1);
    private final AtomicLong rounds = new AtomicLong();
    private final AtomicLong worstNanos = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stop;

    HostileWatchdog(String host, int port) {
        client = RawConnection.open(host, port);
        worker = RawConnection.open(host, port);
        worker.send(PacketType.CAN_DO, FUNCTION);
        thread = new Thread(this::run, "hostile-watchdog");
        thread.setDaemon(true);
    }

    /** Starts the loop and returns once the first round trip is done. */
    HostileWatchdog start() throws InterruptedException {
        thread.start();
        if (!firstRound.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the watchdog's first round trip did not finish within 30 s", failure.get());
        }
        return this;
    }

    private void run() {
        long n = 0;
        try {
            while (!stop) {
                long start = System.nanoTime();
                String token = "wd-" + n++;
                client.send(Packet.request(PacketType.ECHO_REQ, token.getBytes(StandardCharsets.UTF_8)));
                expect(client, PacketType.ECHO_RES, token);
                client.send(PacketType.SUBMIT_JOB, FUNCTION, "", token);
                String handle = expect(client, PacketType.JOB_CREATED, null).fieldString(0);
                worker.send(Packet.request(PacketType.GRAB_JOB_UNIQ));
                Packet assign = expect(worker, PacketType.JOB_ASSIGN_UNIQ, null);
                if (!assign.fieldString(0).equals(handle)) {
                    throw new AssertionError("watchdog worker got job " + assign + " instead of " + handle);
                }
                worker.send(PacketType.WORK_COMPLETE, handle, token);
                Packet done = expect(client, PacketType.WORK_COMPLETE, null);
                if (!done.fieldString(0).equals(handle)) {
                    throw new AssertionError("watchdog client got " + done + " instead of WORK_COMPLETE for " + handle);
                }
                long took = System.nanoTime() - start;
                worstNanos.accumulateAndGet(took, Math::max);
                rounds.incrementAndGet();
                firstRound.countDown();
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            firstRound.countDown();
        }
    }

    private static Packet expect(RawConnection c, PacketType type, String data) {
        var frame = c.nextFrame(READ_TIMEOUT);
        if (!frame.isPacket() || frame.packet().type() != type
                || (data != null && !data.equals(new String(frame.packet().data(), StandardCharsets.UTF_8)))) {
            throw new AssertionError("watchdog expected " + type + (data == null ? "" : " " + data) + " but got " + frame);
        }
        return frame.packet();
    }

    long rounds() {
        return rounds.get();
    }

    Duration worstLatency() {
        return Duration.ofNanos(worstNanos.get());
    }

    /** The first thing that went wrong, or null. */
    Throwable failure() {
        return failure.get();
    }

    /** Stops the loop after its current round and waits for it. */
    void stop() throws InterruptedException {
        stop = true;
        thread.join(TimeUnit.SECONDS.toMillis(60));
        if (thread.isAlive()) {
            throw new AssertionError("the watchdog did not finish its round within 60 s");
        }
    }

    /** Connections the watchdog holds (for counting the server's connections). */
    static int connections() {
        return 2;
    }

    @Override
    public void close() {
        stop = true;
        client.close();
        worker.close();
    }
}
