package dev.gear.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Packet;
import dev.gear.internal.codec.DecodeError;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The accept thread's hand-off to the loop is bounded: when the loop falls behind, accepted
 * connections do not pile up in the heap; the rest wait in the kernel's backlog and are all
 * served once the loop catches up.
 */
class AcceptThreadTest {
    private static final int CAP = 256;
    private static final int EXTRA = 200;

    private final List<Socket> sockets = new ArrayList<>();
    private EventLoop loop;

    @AfterEach
    void close() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (loop != null) {
            loop.close();
        }
    }

    @Test
    void aLoopThatFallsBehindStopsTheAcceptsAtTheCapAndThenServesEveryone() throws Exception {
        loop = new EventLoop("accept-thread-test");
        int total = CAP + EXTRA;
        CountDownLatch served = new CountDownLatch(total);
        Listener listener = loop.listen(new InetSocketAddress("127.0.0.1", 0), total + 64, SocketSettings.DEFAULTS,
                ConnectionLimits.DEFAULTS, null, connection -> {
                    served.countDown();
                    return new Silent();
                }, true, CAP);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        loop.execute(() -> { // the loop is busy elsewhere: nothing accepted can be served
            blocked.countDown();
            awaitQuietly(release);
        });
        assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();

        // Each connect completes in the kernel (the backlog has room for all of them).
        for (int i = 0; i < total; i++) {
            sockets.add(new Socket(listener.address().getAddress(), listener.address().getPort()));
        }
        AcceptThread thread = listener.acceptThread();
        assertThat(thread).isNotNull();
        IntSupplier pending = thread::pendingHandOffs;
        awaitUntil(() -> pending.getAsInt() >= CAP, "the accept thread reached the cap");
        assertThat(served.getCount()).as("not served while the loop was blocked").isEqualTo(total);
        assertThat(pending.getAsInt()).as("accepted and waiting for the loop").isEqualTo(CAP);

        release.countDown();
        assertThat(served.await(30, TimeUnit.SECONDS)).as("every connection served once the loop caught up, %s of %s",
                total - served.getCount(), total).isTrue();
        assertThat(pending.getAsInt()).isZero();
    }

    /** Waits for a condition another thread brings about, up to 10 s. */
    private static void awaitUntil(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waiting until %s", what).isNegative();
            Thread.onSpinWait();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Silent implements ConnectionHandler {
        @Override
        public void onPacket(NioConnection connection, Packet packet) {
        }

        @Override
        public void onLine(NioConnection connection, String line) {
        }

        @Override
        public void onDecodeError(NioConnection connection, DecodeError error) {
        }

        @Override
        public void onClosed(NioConnection connection, String reason) {
        }
    }
}
