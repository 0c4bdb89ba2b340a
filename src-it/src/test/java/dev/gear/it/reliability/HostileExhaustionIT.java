package dev.gear.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.it.support.RawConnection;
import dev.gear.server.Server;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Resource exhaustion: thousands of idle connections, slowloris connections stopped mid-header and
 * mid-body, a client that submits and never reads, a burst of 5 000 connects and a burst beyond the
 * connection limit. In each, a {@link HostileWatchdog} keeps doing ECHO and job round trips (it
 * must never fail; its worst round must stay under a generous 10 s), the server stays healthy (see
 * {@link HostileServer}), and the used heap after GC returns to its baseline once the attackers
 * are gone. The limits involved are documented in {@code docs/server.md} ("Limits").
 *
 * <p>Short variant: seconds each (2 000 idle connections). Long ({@code -Dsoak.seconds=N}): 8 000
 * idle connections, and bursts repeated for N seconds.
 */
class HostileExhaustionIT {
    private static final String HOST = "127.0.0.1";
    private static final Duration WATCHDOG_BOUND = Duration.ofSeconds(30); // generous, as in HostileFuzzIT
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private HostileServer server;
    private HostileWatchdog watchdog;
    private long heapBefore;

    private void start(String id, UnaryOperator<Server.Builder> options) throws InterruptedException {
        server = new HostileServer(id, options);
        watchdog = new HostileWatchdog(HOST, server.port()).start();
        heapBefore = HostileServer.usedHeapAfterGc();
        HostileServer.resetPeakHeap();
    }

    @AfterEach
    void stop() {
        closeAll(sockets);
        if (watchdog != null) {
            watchdog.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Stops the watchdog, checks it and the server, and returns the summary with the common figures. */
    private Soak.Summary finish(String suite, int expectedConnections) throws InterruptedException {
        long peak = HostileServer.peakHeap();
        awaitConnections(expectedConnections + HostileWatchdog.connections());
        watchdog.stop();
        assertThat(watchdog.failure()).as("the watchdog's first failure").isNull();
        server.assertHealthy();
        long heapAfter = HostileServer.usedHeapAfterGc();
        Soak.Summary summary = Soak.summary(suite)
                .put("watchdogRounds", watchdog.rounds())
                .put("worstWatchdogMs", watchdog.worstLatency().toMillis())
                .put("heapBefore", HostileServer.mib(heapBefore))
                .put("heapAfter", HostileServer.mib(heapAfter))
                .put("heapPeak", HostileServer.mib(peak));
        assertThat(watchdog.rounds()).as("watchdog round trips").isPositive();
        assertThat(watchdog.worstLatency()).as("worst watchdog round trip").isLessThan(WATCHDOG_BOUND);
        assertThat(heapAfter - heapBefore).as("heap growth after GC").isLessThan(24L << 20);
        return summary;
    }

    @Test
    void idleAndSlowlorisConnectionsHoldNobodyUpAndSlowlorisOnesAreClosed() throws Exception {
        Duration frameTimeout = Duration.ofSeconds(2);
        int idle = (int) Soak.scale(2_000, 8_000);
        int slow = 200;
        start("idle", b -> b.incompleteFrameTimeout(frameTimeout));

        List<Socket> idleSockets = open(idle);
        byte[] echo = Packet.request(PacketType.ECHO_REQ, "x".repeat(100)).toBinary();
        List<Socket> midHeader = open(slow);
        List<Socket> midBody = open(slow);
        List<Socket> midLine = open(slow);
        long started = System.nanoTime();
        for (int i = 0; i < slow; i++) {
            midHeader.get(i).getOutputStream().write(Arrays.copyOf(echo, 1 + i % 11));
            midBody.get(i).getOutputStream().write(Arrays.copyOf(echo, Packet.HEADER_LENGTH + 1 + i % 90));
            midLine.get(i).getOutputStream().write("status".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        awaitConnections(idle + 3 * slow + HostileWatchdog.connections());
        long heapWithAll = HostileServer.usedHeapAfterGc();

        // Every slowloris connection is closed by the server after the timeout; the idle ones stay.
        List<Socket> slowloris = new ArrayList<>(midHeader);
        slowloris.addAll(midBody);
        slowloris.addAll(midLine);
        for (Socket s : slowloris) {
            assertClosedByServer(s, frameTimeout.plusSeconds(30));
        }
        long slowlorisClosedAfterMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertThat(slowlorisClosedAfterMs).as("slowloris connections closed after the frame timeout")
                .isGreaterThanOrEqualTo(frameTimeout.toMillis());
        awaitConnections(idle + HostileWatchdog.connections());
        // The idle ones are still served.
        for (int i = 0; i < idle; i += Math.max(1, idle / 50)) {
            assertEcho(idleSockets.get(i), "idle " + i);
        }
        closeAll(idleSockets);
        finish("exhaustion-idle", 0)
                .put("idle", idle)
                .put("slowloris", 3 * slow)
                .put("frameTimeoutMs", frameTimeout.toMillis())
                .put("slowlorisClosedAfterMs", slowlorisClosedAfterMs)
                .put("heapPerOpenConnection", (heapWithAll - heapBefore) / (idle + 3 * slow) + "B")
                .print();
    }

    @Test
    void aClientThatSubmitsAndNeverReadsIsDisconnectedAtTheOutputCap() throws Exception {
        long cap = Soak.isLong() ? 256L << 20 : 8L << 20; // long: the default cap; short: 8 MiB
        start("slowreader", b -> Soak.isLong() ? b : b.maxQueuedOutput(cap));
        // 1) WORK_DATA for its job: the worker is well behaved, the client never reads.
        Socket client = open(1).get(0);
        client.getOutputStream().write(Packet.request(PacketType.SUBMIT_JOB, "hostile-slow", "", "x").toBinary());
        long sentData = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.server().snapshot().jobs().isEmpty()) { // the submit was read (we never read its answer)
            assertThat(System.nanoTime() - deadline).as("the server took the job within 30 s").isNegative();
            Thread.onSpinWait();
        }
        try (RawConnection worker = RawConnection.open(HOST, server.port())) {
            worker.send(PacketType.CAN_DO, "hostile-slow");
            worker.send(Packet.request(PacketType.GRAB_JOB_UNIQ));
            String handle = worker.expectPacket(PacketType.JOB_ASSIGN_UNIQ).fieldString(0);
            byte[] chunk = new byte[1 << 20];
            long before = server.closedConnections();
            // Far more than the cap; the server must drop the client, not buffer it all.
            for (long i = 0; i < (cap >> 20) * 4 + 16 && server.closedConnections() == before; i++) {
                worker.send(Packet.request(PacketType.WORK_DATA, handle.getBytes(), chunk));
                worker.assertNoReplyPending(); // paces the worker: the server has handled each packet
                sentData += chunk.length;
            }
            assertClosedByServer(client, Duration.ofSeconds(30));
            // The job goes on without its client; the worker finishes it normally.
            worker.send(PacketType.WORK_COMPLETE, handle, "done");
            worker.assertNoReplyPending();
        }
        // 2) ECHO_REQ with big payloads, never reading the answers.
        Socket echoer = open(1).get(0);
        byte[] bigEcho = Packet.request(PacketType.ECHO_REQ, new byte[1 << 20]).toBinary();
        long sentEcho = 0;
        try {
            for (long i = 0; i < (cap >> 20) * 4 + 16; i++) {
                echoer.getOutputStream().write(bigEcho);
                sentEcho += bigEcho.length;
            }
        } catch (IOException e) {
            // disconnected as a slow reader while we were still writing
        }
        assertClosedByServer(echoer, Duration.ofSeconds(30));
        finish("exhaustion-slowreader", 0)
                .put("outputCap", HostileServer.mib(cap))
                .put("workDataSent", HostileServer.mib(sentData))
                .put("echoSent", HostileServer.mib(sentEcho))
                .print();
    }

    @Test
    void aBurstOf5000ConnectsIsServedAndReleased() throws Exception {
        start("burst", b -> b);
        Duration duration = Soak.duration(Duration.ZERO);
        long end = System.nanoTime() + duration.toNanos();
        int bursts = 0;
        AtomicLong echoes = new AtomicLong();
        long slowestBurstMs = 0;
        do {
            long t0 = System.nanoTime();
            List<Socket> burst = connectInParallel(5_000, 8, echoes);
            slowestBurstMs = Math.max(slowestBurstMs, Duration.ofNanos(System.nanoTime() - t0).toMillis());
            awaitConnections(5_000 + HostileWatchdog.connections());
            closeAll(burst);
            awaitConnections(HostileWatchdog.connections());
            bursts++;
        } while (System.nanoTime() - end < 0 && bursts < 5); // 5 x 5 000 ports in TIME_WAIT is plenty
        finish("exhaustion-burst", 0)
                .put("bursts", bursts)
                .put("connectsPerBurst", 5_000)
                .put("echoes", echoes.get())
                .put("slowestBurstMs", slowestBurstMs)
                .print();
    }

    @Test
    void connectsBeyondMaxConnectionsAreRefusedAndTheOthersStayServed() throws Exception {
        int max = 500;
        start("limit", b -> b.maxConnections(max));
        List<Socket> accepted = open(max - HostileWatchdog.connections());
        awaitConnections(max);
        int refused = 0;
        List<Socket> extra = open(300);
        for (Socket s : extra) {
            assertClosedByServer(s, Duration.ofSeconds(30));
            refused++;
        }
        for (int i = 0; i < accepted.size(); i += 50) {
            assertEcho(accepted.get(i), "accepted " + i);
        }
        closeAll(accepted);
        closeAll(extra);
        finish("exhaustion-limit", 0)
                .put("maxConnections", max)
                .put("refused", refused)
                .print();
    }

    // ---------------------------------------------------------------- helpers

    private List<Socket> open(int count) throws IOException {
        List<Socket> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Socket s = new Socket();
            sockets.add(s);
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(HOST, server.port()), 10_000);
            out.add(s);
        }
        return out;
    }

    /** {@code count} connections from {@code threads} threads, each answering one ECHO before the next connect. */
    private List<Socket> connectInParallel(int count, int threads, AtomicLong echoes) throws Exception {
        ConcurrentLinkedQueue<Socket> out = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int share = count / threads + (t < count % threads ? 1 : 0);
            Thread thread = new Thread(() -> {
                try {
                    for (int i = 0; i < share; i++) {
                        Socket s = new Socket();
                        sockets.add(s);
                        out.add(s);
                        s.setTcpNoDelay(true);
                        s.connect(new InetSocketAddress(HOST, server.port()), 30_000);
                        assertEcho(s, "burst");
                        echoes.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "hostile-burst-" + t);
            workers.add(thread);
            thread.start();
        }
        for (Thread thread : workers) {
            thread.join(120_000);
            assertThat(thread.isAlive()).as("%s finished", thread.getName()).isFalse();
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " connects of the burst failed", failures.peek());
        }
        return new ArrayList<>(out);
    }

    private static void assertEcho(Socket s, String text) throws IOException {
        byte[] request = Packet.request(PacketType.ECHO_REQ, text).toBinary();
        s.getOutputStream().write(request);
        s.setSoTimeout(30_000);
        byte[] reply = s.getInputStream().readNBytes(request.length);
        assertThat(reply.length).as("ECHO_RES length").isEqualTo(request.length);
        assertThat(new String(reply, Packet.HEADER_LENGTH, reply.length - Packet.HEADER_LENGTH,
                java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(text);
    }

    /** Reads until the server closes (or resets) the connection; fails if that takes longer than {@code timeout}. */
    private static void assertClosedByServer(Socket s, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        InputStream in = s.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        long read = 0;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError("the server did not close " + s + " within " + timeout.toMillis() + " ms");
            }
            s.setSoTimeout((int) Math.max(1, left));
            try {
                int n = in.read(buffer);
                if (n < 0) {
                    return;
                }
                read += n;
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the server did not close " + s + " within " + timeout.toMillis() + " ms ("
                        + read + " bytes read meanwhile)");
            } catch (IOException e) {
                return; // reset: closed too
            }
        }
    }

    private void awaitConnections(int expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int now;
        while ((now = server.server().snapshot().connections().size()) != expected) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the server lists " + now + " connections, expected " + expected);
            }
            Thread.onSpinWait();
        }
    }

    private void closeAll(List<Socket> list) {
        for (Socket s : list) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a test socket
            }
        }
        sockets.removeAll(list);
    }
}
