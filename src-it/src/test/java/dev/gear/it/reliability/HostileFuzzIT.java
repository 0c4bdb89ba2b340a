package dev.gear.it.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Packet;
import dev.gear.internal.codec.DecodeError;
import dev.gear.internal.codec.DecodeListener;
import dev.gear.internal.codec.FrameDecoder;
import dev.gear.it.support.RawConnection;
import dev.gear.server.FunctionStatus;
import dev.gear.server.JobSnapshot;
import dev.gear.server.ServerDefaults;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Hostile bytes: several connections in parallel send {@link HostileFrames} (mutated valid
 * packets of every type, random frames, wrong magic, huge declared lengths, invalid and over-long
 * admin lines, connections closed mid-frame or reset) at our server over loopback, while a
 * {@link HostileWatchdog} keeps doing ECHO and job round trips.
 *
 * <p>It proves: no exception escapes the server's loop (no connection closed as an internal
 * error, no ERROR logged, loop thread alive, server still serving); everything the server sends
 * back decodes; the watchdog never fails and its worst round stays under a generous 30 s (the
 * figure itself is printed); and once the hostile connections are gone and the state they
 * legitimately created (queued jobs, functions) is removed, the used heap after GC is back at its
 * baseline (see {@link HostileServer} for how heap is measured).
 *
 * <p>Short variant: about 5 s. Long: {@code -Dsoak.seconds=N}, at least N seconds and at least
 * 1 000 000 frames. {@code -Dfuzz.seed=S} repeats a run's frames (per connection thread).
 */
class HostileFuzzIT {
    private static final int THREADS = Integer.getInteger("fuzz.threads", 4);
    private static final int MAX_ADMIN_LINE = 8192; // Server.Builder's default maxAdminLineLength
    private static final long LONG_MIN_FRAMES = 1_000_000;

    @Test
    void theServerSurvivesHostileBytesAndKeepsServing() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("HostileFuzzIT seed " + seed + " (repeat with -Dfuzz.seed=" + seed + ")");
        Duration duration = Soak.duration(Duration.ofSeconds(5));
        long minFrames = Soak.isLong() ? LONG_MIN_FRAMES : 0;

        try (HostileServer hs = new HostileServer("fuzz", b -> b)) {
            String host = "127.0.0.1";
            HostileWatchdog watchdog = new HostileWatchdog(host, hs.port()).start();
            long heapBefore = HostileServer.usedHeapAfterGc();
            HostileServer.resetPeakHeap();

            Totals totals = new Totals();
            long end = System.nanoTime() + duration.toNanos();
            long hardEnd = System.nanoTime() + duration.multipliedBy(4).plusSeconds(60).toNanos();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                long threadSeed = seed + i;
                Thread t = new Thread(() -> fuzz(host, hs.port(), threadSeed, totals,
                        () -> (System.nanoTime() - end > 0 && totals.frames.get() >= minFrames)
                                || System.nanoTime() - hardEnd > 0
                                || watchdog.failure() != null),
                        "hostile-fuzz-" + i);
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join(duration.multipliedBy(4).plusSeconds(120).toMillis());
                assertThat(t.isAlive()).as("fuzz thread %s finished", t.getName()).isFalse();
            }
            if (totals.failure.get() != null) {
                throw new AssertionError("a fuzz thread failed", totals.failure.get());
            }
            long peak = HostileServer.peakHeap();
            assertThat(watchdog.failure()).as("the watchdog's first failure").isNull();
            long rounds = watchdog.rounds();
            Duration worst = watchdog.worstLatency();

            // Every hostile connection is gone once the server has seen it close.
            awaitConnections(hs, HostileWatchdog.connections());
            int[] cleaned = removeWhatTheFuzzLeft(hs, host);
            hs.assertHealthy();
            watchdog.stop();
            assertThat(watchdog.failure()).as("the watchdog's first failure").isNull();
            long heapAfter = HostileServer.usedHeapAfterGc();
            int keptFunctions = cleaned[2];
            long keptNameBytes = cleaned[3];

            String summary = Soak.summary("fuzz")
                    .put("frames", totals.frames.get())
                    .put("bytes", totals.bytes.get())
                    .put("connections", totals.connections.get())
                    .put("serverClosed", hs.closedConnections())
                    .put("answerBytes", totals.answerBytes.get())
                    .put("seed", seed)
                    .put("watchdogRounds", rounds)
                    .put("worstWatchdogMs", worst.toMillis())
                    .put("heapBefore", HostileServer.mib(heapBefore))
                    .put("heapAfter", HostileServer.mib(heapAfter))
                    .put("heapPeak", HostileServer.mib(peak))
                    .put("jobsCancelled", cleaned[0])
                    .put("functionsDropped", cleaned[1])
                    .put("functionsKept", keptFunctions)
                    .print();
            System.out.println("frames by kind: " + totals.byKind());

            assertThat(totals.decodeErrors.get()).as("server answers that did not decode").isZero();
            assertThat(rounds).as("watchdog round trips").isPositive();
            // Generous: the figure itself is the result. On a 2-core machine shared by several builds
            // (load ~24) the long run measured 14.6 s, for the reasons in docs/reliability.md.
            assertThat(worst).as("worst watchdog round trip").isLessThan(Duration.ofSeconds(30));
            if (Soak.isLong()) {
                assertThat(totals.frames.get()).as("frames in the long variant").isGreaterThanOrEqualTo(LONG_MIN_FRAMES);
            }
            // Functions named by junk bytes stay, as in gearmand, until `drop function`; those the
            // admin protocol cannot name (spaces, bytes that are not UTF-8) are allowed for here.
            long tolerance = (24L << 20) + keptFunctions * 1024L + keptNameBytes * 4;
            assertThat(heapAfter - heapBefore).as("heap growth after GC (%s)", summary).isLessThan(tolerance);
            watchdog.close();
        }
    }

    /** One fuzzing connection after another until {@code done}. */
    private static void fuzz(String host, int port, long seed, Totals totals, java.util.function.BooleanSupplier done) {
        HostileFrames frames = new HostileFrames(seed, MAX_ADMIN_LINE);
        Random random = new Random(~seed);
        byte[] readBuffer = new byte[64 * 1024];
        ByteBuffer batch = ByteBuffer.allocate(256 * 1024);
        try {
            while (!done.getAsBoolean()) {
                Socket socket = new Socket();
                totals.connections.incrementAndGet();
                FrameDecoder answers = new FrameDecoder(Integer.MAX_VALUE - 16, 1 << 20);
                try {
                    socket.setTcpNoDelay(true);
                    socket.connect(new InetSocketAddress(host, port), 10_000);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = socket.getInputStream();
                    boolean open = true;
                    while (open && !done.getAsBoolean()) {
                        batch.clear();
                        int count = 1 + random.nextInt(8);
                        boolean closeAfter = false;
                        for (int i = 0; i < count && !closeAfter; i++) {
                            HostileFrames.Frame f = frames.next();
                            if (f.bytes().length > batch.remaining()) {
                                break;
                            }
                            batch.put(f.bytes());
                            totals.count(f.kind());
                            closeAfter = f.closeAfter();
                        }
                        out.write(batch.array(), 0, batch.position());
                        totals.bytes.addAndGet(batch.position());
                        drain(in, readBuffer, answers, totals);
                        if (closeAfter || random.nextInt(200) == 0) {
                            if (random.nextBoolean()) {
                                socket.setOption(StandardSocketOptions.SO_LINGER, 0); // a reset
                            }
                            open = false;
                        }
                    }
                } catch (IOException e) {
                    // The server closed this connection (a fatal frame) or reset it: open another.
                } finally {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // nothing to do
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            totals.failure.compareAndSet(null, e);
        }
    }

    /** Reads whatever the server has sent so far, without waiting, and checks it decodes. */
    private static void drain(InputStream in, byte[] buffer, FrameDecoder decoder, Totals totals) throws IOException {
        int available;
        while ((available = in.available()) > 0) {
            int n = in.read(buffer, 0, Math.min(buffer.length, available));
            if (n <= 0) {
                return;
            }
            totals.answerBytes.addAndGet(n);
            decoder.decode(ByteBuffer.wrap(buffer, 0, n), new DecodeListener() {
                @Override
                public void onPacket(Packet packet) {
                }

                @Override
                public void onLine(String line) {
                }

                @Override
                public void onError(DecodeError error) {
                    totals.decodeErrors.incrementAndGet();
                    totals.failure.compareAndSet(null, new AssertionError("the server sent bytes that do not decode: "
                            + error));
                }
            });
        }
    }

    private static void awaitConnections(HostileServer hs, int expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int now;
        while ((now = hs.server().snapshot().connections().size()) != expected) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the server still lists " + now + " connections 60 s after the fuzz ended; "
                        + "expected only the watchdog's " + expected);
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Removes the state the fuzz legitimately created: cancels waiting jobs (all jobs are waiting
     * once their workers are gone) and drops the functions the admin protocol can name. Returns
     * {jobs cancelled, functions dropped, functions kept, bytes of kept names}.
     */
    private static int[] removeWhatTheFuzzLeft(HostileServer hs, String host) {
        int cancelled = 0;
        int dropped = 0;
        int kept = 0;
        int keptBytes = 0;
        try (RawConnection admin = RawConnection.open(host, hs.port())) {
            for (JobSnapshot job : hs.server().snapshot().jobs()) {
                if (job.function().equals("hostile-watchdog-5b1e")) {
                    continue;
                }
                String reply = admin.adminLine("cancel job " + job.handle());
                assertThat(reply).as("cancel job %s (%s)", job.handle(), job.state()).isEqualTo("OK");
                cancelled++;
            }
            for (FunctionStatus f : hs.server().snapshot().functions()) {
                String name = f.name();
                if (name.equals("hostile-watchdog-5b1e")) {
                    continue;
                }
                // A name CAN_DO accepted may still not fit in an admin line (the server closes a
                // connection whose line is over its limit): such a name is kept, not dropped.
                String drop = "drop function " + name;
                boolean nameable = !name.isEmpty() && name.chars().allMatch(c -> c > ' ' && c < 0x7f)
                        && drop.length() <= ServerDefaults.MAX_ADMIN_LINE_LENGTH;
                if (nameable && admin.adminLine(drop).equals("OK")) {
                    dropped++;
                } else {
                    kept++;
                    keptBytes += name.length() * 3;
                }
            }
        }
        return new int[] {cancelled, dropped, kept, keptBytes};
    }

    private static final class Totals {
        final AtomicLong frames = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong connections = new AtomicLong();
        final AtomicLong answerBytes = new AtomicLong();
        final AtomicLong decodeErrors = new AtomicLong();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Map<HostileFrames.Kind, AtomicLong> kinds = new ConcurrentHashMap<>();

        void count(HostileFrames.Kind kind) {
            frames.incrementAndGet();
            kinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        }

        Map<HostileFrames.Kind, Long> byKind() {
            Map<HostileFrames.Kind, Long> out = new EnumMap<>(HostileFrames.Kind.class);
            kinds.forEach((k, v) -> out.put(k, v.get()));
            return out;
        }
    }
}
