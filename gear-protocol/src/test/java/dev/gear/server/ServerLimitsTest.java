package dev.gear.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.server.ServerAccess;
import dev.gear.internal.server.ServerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The limits that keep one peer from holding the server's resources: the connection limit, the
 * incomplete-frame timeout (slowloris), the output cap for a peer that does not read. Each test
 * also shows who is <em>not</em> affected: idle connections, a peer streaming large packets.
 */
class ServerLimitsTest {
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final BlockingQueue<String> closeReasons = new LinkedBlockingQueue<>();
    private Server server;

    private Server start(Server.Builder builder) {
        server = builder.port(0).listenAddress("127.0.0.1").build().start();
        resources.add(server);
        ServerAccess.core(server).addEventListener(event -> {
            if (event instanceof ServerEvent.ConnectionClosed) {
                closeReasons.add(((ServerEvent.ConnectionClosed) event).reason());
            }
        });
        return server;
    }

    private RawClient connect() {
        RawClient c = RawClient.connect(server);
        resources.add(0, c);
        return c;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : resources) {
            c.close();
        }
    }

    private String nextCloseReason() throws InterruptedException {
        String reason = closeReasons.poll(10, TimeUnit.SECONDS);
        assertThat(reason).as("a connection closed by the server within 10 s").isNotNull();
        return reason;
    }

    @Test
    void defaultsAreDocumented() {
        assertThat(ServerDefaults.MAX_CONNECTIONS).isEqualTo(10_000);
        assertThat(ServerDefaults.INCOMPLETE_FRAME_TIMEOUT).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void beyondMaxConnectionsANewConnectionIsClosedAtOnceAndTheOthersGoOn() {
        start(Server.builder().maxConnections(3));
        List<RawClient> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RawClient c = connect();
            c.send(PacketType.ECHO_REQ, "in " + i).expect(PacketType.ECHO_RES, "in " + i);
            open.add(c);
        }
        RawClient refused = connect();
        refused.expectClosed();
        assertThat(server.snapshot().connections()).hasSize(3);
        open.get(0).send(PacketType.ECHO_REQ, "still").expect(PacketType.ECHO_RES, "still");
        // A place freed is a place taken.
        open.get(1).close();
        RawClient later = null;
        for (int attempt = 0; attempt < 100 && later == null; attempt++) {
            RawClient c = connect();
            try {
                c.send(PacketType.ECHO_REQ, "later").expect(PacketType.ECHO_RES, "later");
                later = c;
            } catch (AssertionError | RuntimeException e) {
                // the server had not yet seen the close when this one arrived; it was refused
            }
        }
        assertThat(later).as("a connection accepted once one of the three closed").isNotNull();
    }

    @Test
    void aConnectionStoppedMidHeaderOrMidBodyOrMidLineIsClosedAfterTheTimeout() throws Exception {
        start(Server.builder().incompleteFrameTimeout(Duration.ofMillis(300)));
        byte[] echo = Packet.request(PacketType.ECHO_REQ, "slowloris").toBinary();
        RawClient midHeader = connect().sendBytes(Arrays.copyOf(echo, 5));
        RawClient midBody = connect().sendBytes(Arrays.copyOf(echo, Packet.HEADER_LENGTH + 3));
        RawClient midLine = connect().sendBytes("stat".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        RawClient idle = connect();
        for (RawClient c : List.of(midHeader, midBody, midLine)) {
            c.expectClosed();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(nextCloseReason()).startsWith("incomplete frame for more than 300 ms");
        }
        // Idle between frames is not a stall: workers and clients idle for hours.
        idle.send(PacketType.ECHO_REQ, "idle is fine").expect(PacketType.ECHO_RES, "idle is fine");
        assertThat(server.snapshot().connections()).hasSize(1);
    }

    @Test
    void aPeerThatKeepsCompletingFramesIsNeverCutEvenWhenEveryReadEndsMidFrame() {
        start(Server.builder().incompleteFrameTimeout(Duration.ofMillis(200)));
        RawClient streaming = connect();
        byte[] echo = Packet.request(PacketType.ECHO_REQ, new byte[1000]).toBinary();
        // Each write finishes the previous packet and starts the next: the server is always mid-frame
        // between writes, but never stalled. The writes span several timeouts.
        streaming.sendBytes(Arrays.copyOf(echo, 500));
        long end = System.nanoTime() + Duration.ofMillis(1000).toNanos();
        int sent = 0;
        while (System.nanoTime() - end < 0) {
            byte[] chunk = new byte[echo.length];
            System.arraycopy(echo, 500, chunk, 0, echo.length - 500);
            System.arraycopy(echo, 0, chunk, echo.length - 500, 500);
            streaming.sendBytes(chunk);
            streaming.expect(PacketType.ECHO_RES);
            sent++;
        }
        streaming.sendBytes(Arrays.copyOfRange(echo, 500, echo.length));
        streaming.expect(PacketType.ECHO_RES);
        assertThat(sent).isPositive();
        assertThat(closeReasons).isEmpty();
    }

    @Test
    void aClosingConnectionWhosePeerDoesNotReadIsClosedAfterTheTimeout() throws Exception {
        start(Server.builder().incompleteFrameTimeout(Duration.ofMillis(300)).maxQueuedOutput(64L << 20));
        RawClient hostile = connect();
        hostile.socket().setReceiveBufferSize(4096);
        // Lots of output it never reads, then a fatal frame: the server wants to flush and close.
        byte[] big = Packet.request(PacketType.ECHO_REQ, new byte[1 << 20]).toBinary();
        for (int i = 0; i < 16; i++) {
            hostile.sendBytes(big);
        }
        hostile.sendBytes(RawClient.header(new byte[] {0, 'B', 'A', 'D'}, 1, 0));
        assertThat(nextCloseReason()).startsWith("closing, but the peer did not take its last output within 300 ms");
    }

    @Test
    void aPeerThatSubmitsAndNeverReadsIsDisconnectedAtTheOutputCap() throws Exception {
        start(Server.builder().maxQueuedOutput(1 << 20));
        RawClient bystander = connect();
        RawClient hostile = connect();
        hostile.socket().setReceiveBufferSize(4096);
        byte[] big = Packet.of(Magic.REQ, PacketType.ECHO_REQ, new byte[256 << 10]).toBinary();
        for (int i = 0; i < 64; i++) { // 16 MiB of echoes asked for, never read
            try {
                hostile.sendBytes(big);
            } catch (RuntimeException e) {
                break; // already disconnected
            }
        }
        assertThat(nextCloseReason()).startsWith("slow reader: more than 1048576 bytes of output queued");
        bystander.send(PacketType.ECHO_REQ, "unaffected").expect(PacketType.ECHO_RES, "unaffected");
    }

    @Test
    void aClientDroppedAtTheOutputCapWhileResultsAreForwardedCostsTheWorkerNothing() throws Exception {
        // The cap is hit inside the server's loop over a job's clients; the close must not run
        // re-entrantly in there (it once threw ConcurrentModificationException and the innocent
        // worker's connection was closed as an internal error).
        start(Server.builder().maxQueuedOutput(1024));
        RawClient client = connect();
        String h = client.submit(PacketType.SUBMIT_JOB, "f", "u", "x");
        for (int i = 0; i < 2; i++) { // three listeners: the first close then breaks the iteration
            assertThat(connect().submit(PacketType.SUBMIT_JOB, "f", "u", "x")).isEqualTo(h);
        }
        RawClient worker = connect().canDo("f");
        assertThat(worker.grab().fieldString(0)).isEqualTo(h);
        worker.send(PacketType.WORK_DATA, h, "y".repeat(4096)); // more than the cap at once, for every client
        worker.send(PacketType.ECHO_REQ, "worker fine").expect(PacketType.ECHO_RES, "worker fine");
        List<String> reasons = List.of(nextCloseReason(), nextCloseReason(), nextCloseReason());
        assertThat(reasons).allMatch(r -> r.startsWith("slow reader: more than 1024 bytes of output queued"), "slow reader");
        worker.send(PacketType.WORK_COMPLETE, h, "done");
        worker.send(PacketType.ECHO_REQ, "still fine").expect(PacketType.ECHO_RES, "still fine");
        assertThat(closeReasons).isEmpty();
        assertThat(server.snapshot().connections()).hasSize(1);
    }
}
