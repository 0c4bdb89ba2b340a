package dev.gear.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.codec.DecodeError;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Timers scheduled on the loop thread while the loop is about to block in select. A loop with no
 * listener has no periodic sweep, so nothing else wakes it: a timer the select does not wait for
 * runs only when some other event comes, maybe never.
 */
class EventLoopTimerTest {
    private EventLoop loop;

    @BeforeEach
    void start() {
        loop = new EventLoop("event-loop-timer-test");
    }

    @AfterEach
    void stop() {
        loop.close();
    }

    /**
     * A connection closed by the flush just before select (its closing flush wrote the last byte)
     * schedules a timer from onClosed, as a client's reconnect does. The select must wait for that
     * timer, not for the next event. Found by FaultConservationIT: a client whose write failed with
     * "Connection reset by peer" reconnected only ~9 s later, when its next request deadline woke
     * its loop, instead of after its 10 ms back-off.
     */
    @Test
    void aTimerScheduledByTheFlushBeforeSelectRunsOnTime() throws Exception {
        CompletableFuture<Void> fired = new CompletableFuture<>();
        ConnectionHandler handler = new ConnectionHandler() {
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
                loop.schedule(Duration.ofMillis(10), () -> fired.complete(null));
            }
        };
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            NioConnection connection = loop.connect(new java.net.InetSocketAddress(server.getInetAddress(),
                    server.getLocalPort()), Duration.ofSeconds(10), SocketSettings.DEFAULTS, ConnectionLimits.DEFAULTS,
                    handler).get(10, TimeUnit.SECONDS);
            try (Socket peer = server.accept()) {
                // One task: queue a packet and ask for a close after it; the flush before the next
                // select writes it and closes the connection.
                loop.execute(() -> {
                    connection.send(Packet.request(PacketType.ECHO_REQ, new byte[] {1}));
                    connection.closeAfterFlush("done");
                });
                fired.get(10, TimeUnit.SECONDS);
                assertThat(fired).isDone();
            }
        }
    }
}
