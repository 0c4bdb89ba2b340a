package dev.gear.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.codec.DecodeError;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The plain transport's read and write paths over real loopback sockets. */
class NioConnectionTest {
    private static final long WAIT_SECONDS = 20;

    private EventLoop loop;
    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<NioConnection> accepted = new CompletableFuture<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private Listener listener;

    @BeforeEach
    void start() throws Exception {
        loop = new EventLoop("nio-connection-test");
        listener = loop.listen(new InetSocketAddress("127.0.0.1", 0), 16, SocketSettings.DEFAULTS,
                ConnectionLimits.DEFAULTS, connection -> new Recorder());
    }

    @AfterEach
    void stop() {
        loop.close();
    }

    /**
     * The peer writes a stream in chunks of every size from 1 to 13 bytes (so packets and headers
     * are split at every point across reads): everything decodes, in order.
     */
    @Test
    void packetsSplitAcrossReadsAtAnyPointDecode() throws Exception {
        List<Packet> sent = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            Packet p = Packet.request(PacketType.ECHO_REQ, ("body " + i).getBytes(StandardCharsets.UTF_8));
            sent.add(p);
            stream.writeBytes(p.toBinary());
        }
        byte[] bytes = stream.toByteArray();
        try (Socket peer = new Socket()) {
            peer.setTcpNoDelay(true);
            peer.connect(listener.address());
            OutputStream out = peer.getOutputStream();
            int chunk = 1;
            for (int pos = 0; pos < bytes.length; pos += chunk, chunk = chunk % 13 + 1) {
                out.write(bytes, pos, Math.min(chunk, bytes.length - pos));
                out.flush();
            }
            for (Packet expected : sent) {
                assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        }
    }

    /**
     * The server queues far more than the socket buffers take while the peer reads nothing, then
     * the peer reads slowly: every byte arrives once and in order (writes stop when the socket is
     * full and resume at the exact byte on OP_WRITE), and the queue empties.
     */
    @Test
    void aPartialWriteResumesAtTheExactByte() throws Exception {
        Random random = new Random(42);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        List<Packet> packets = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            byte[] body = new byte[i % 100 == 0 ? 70_000 + random.nextInt(300_000) : random.nextInt(200)];
            random.nextBytes(body);
            Packet p = Packet.of(Magic.RES, PacketType.ECHO_RES, body);
            packets.add(p);
            expected.writeBytes(p.toBinary());
        }
        try (Socket peer = new Socket()) {
            peer.setReceiveBufferSize(8 * 1024);
            peer.connect(listener.address());
            NioConnection server = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);
            long queued = loop.submit(() -> {
                for (Packet p : packets) {
                    server.send(p);
                }
                return server.queuedBytes();
            }).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(queued).isEqualTo(expected.size());
            byte[] got = new byte[expected.size()];
            DataInputStream in = new DataInputStream(peer.getInputStream());
            in.readFully(got);
            assertThat(got).isEqualTo(expected.toByteArray());
            assertThat(loop.submit(server::queuedBytes).get(WAIT_SECONDS, TimeUnit.SECONDS)).isZero();
        }
    }

    /**
     * Frames whose large tail is queued from another array (a head plus a slice of it, as a job's
     * payload goes into JOB_ASSIGN) leave intact between other output while the peer reads slowly:
     * the tails are split across many partial writes and each resumes at the exact byte.
     */
    @Test
    void framesWithALargeTailGoOutWholeThroughPartialWrites() throws Exception {
        Random random = new Random(11);
        byte[] array = new byte[3 << 20];
        random.nextBytes(array);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        List<Runnable> sends = new ArrayList<>();
        CompletableFuture<NioConnection> server = accepted;
        for (int i = 0; i < 6; i++) {
            byte[] head = new byte[1 + random.nextInt(60)];
            random.nextBytes(head);
            int offset = random.nextInt(1 << 20);
            int length = i == 0 ? array.length - offset : 100_000 + random.nextInt(2 << 20);
            Packet between = Packet.response(PacketType.NOOP);
            sends.add(() -> {
                NioConnection c = server.join();
                c.sendBytes(head, array, offset, length);
                c.send(between);
            });
            expected.write(head, 0, head.length);
            expected.write(array, offset, length);
            expected.writeBytes(between.toBinary());
        }
        byte[] before = array.clone();
        try (Socket peer = new Socket()) {
            peer.setReceiveBufferSize(8 * 1024);
            peer.connect(listener.address());
            NioConnection connection = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);
            long queued = loop.submit(() -> {
                sends.forEach(Runnable::run);
                return connection.queuedBytes();
            }).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(queued).isEqualTo(expected.size());
            byte[] got = new byte[expected.size()];
            InputStream in = peer.getInputStream();
            for (int pos = 0; pos < got.length; ) {
                int n = in.read(got, pos, Math.min(got.length - pos, 1 + random.nextInt(200_000)));
                assertThat(n).isPositive();
                pos += n;
            }
            assertThat(got).isEqualTo(expected.toByteArray());
            assertThat(loop.submit(connection::queuedBytes).get(WAIT_SECONDS, TimeUnit.SECONDS)).isZero();
        }
        assertThat(array).as("the queued array is only read").isEqualTo(before);
    }

    /**
     * A frame's head and tail count against the output cap together: a peer that reads nothing is
     * closed as a slow reader once head plus queued tails pass the cap, and nothing is sent after.
     */
    @Test
    void aLargeTailCountsAgainstTheOutputCap() throws Exception {
        loop.close();
        loop = new EventLoop("nio-connection-test-cap");
        listener = loop.listen(new InetSocketAddress("127.0.0.1", 0), 16, SocketSettings.DEFAULTS,
                new ConnectionLimits(64L << 20, 8192, 1 << 20), connection -> new Recorder());
        byte[] array = new byte[4 << 20];
        try (Socket peer = new Socket()) {
            peer.setReceiveBufferSize(8 * 1024);
            peer.connect(listener.address());
            NioConnection server = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);
            long afterFirst = loop.submit(() -> {
                server.sendBytes(new byte[12], array, 0, 600_000);
                return server.queuedBytes();
            }).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(afterFirst).as("under the cap: queued, some of it maybe written").isLessThanOrEqualTo(600_012);
            boolean open = loop.submit(() -> {
                server.sendBytes(new byte[12], array, 0, 3 << 20); // far beyond the cap whatever was written
                return server.isOpen();
            }).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(open).isFalse();
            assertThat(closed.get(WAIT_SECONDS, TimeUnit.SECONDS))
                    .startsWith("slow reader: more than 1048576 bytes of output queued");
            assertThat(loop.submit(server::queuedBytes).get(WAIT_SECONDS, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void aTailOutsideItsArrayIsRefusedAndNothingIsQueued() throws Exception {
        try (Socket peer = new Socket()) {
            peer.connect(listener.address());
            NioConnection server = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);
            CompletableFuture<Long> result = loop.submit(() -> {
                try {
                    server.sendBytes(new byte[12], new byte[10], 5, 6);
                } catch (IndexOutOfBoundsException expected) {
                    return server.queuedBytes();
                }
                return -1L;
            });
            assertThat(result.get(WAIT_SECONDS, TimeUnit.SECONDS)).isZero();
        }
    }

    /** A 1 MiB packet goes out and comes back (the server echoes) byte for byte, twice in a row. */
    @Test
    void aOneMebibytePacketRoundTrips() throws Exception {
        byte[] body = new byte[1 << 20];
        new Random(3).nextBytes(body);
        Packet big = Packet.of(Magic.REQ, PacketType.ECHO_REQ, body);
        byte[] wire = big.toBinary();
        try (Socket peer = new Socket()) {
            peer.setTcpNoDelay(true);
            peer.connect(listener.address());
            NioConnection server = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);
            echoing = server;
            OutputStream out = peer.getOutputStream();
            InputStream in = peer.getInputStream();
            for (int round = 0; round < 2; round++) {
                out.write(wire);
                out.write("line after\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(big);
                assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("line after");
                byte[] back = new byte[wire.length];
                new DataInputStream(in).readFully(back);
                Packet echoed = Packet.of(Magic.RES, PacketType.ECHO_RES, body);
                assertThat(back).isEqualTo(echoed.toBinary());
            }
        }
    }

    /** A peer that sends and closes: the data is decoded, then onClosed reports the peer's close. */
    @Test
    void dataBeforeACloseIsDeliveredThenTheCloseReported() throws Exception {
        Packet p = Packet.request(PacketType.ECHO_REQ, "last words".getBytes(StandardCharsets.UTF_8));
        try (Socket peer = new Socket()) {
            peer.connect(listener.address());
            peer.getOutputStream().write(p.toBinary());
            peer.shutdownOutput();
            assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(p);
            assertThat(closed.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("peer closed the connection");
        }
    }

    private volatile NioConnection echoing;

    private final class Recorder implements ConnectionHandler {
        @Override
        public void onOpen(NioConnection connection) {
            accepted.complete(connection);
        }

        @Override
        public void onPacket(NioConnection connection, Packet packet) {
            received.add(packet);
            if (connection == echoing) {
                connection.send(Packet.of(Magic.RES, PacketType.ECHO_RES, packet.body()));
            }
        }

        @Override
        public void onLine(NioConnection connection, String line) {
            received.add(line);
        }

        @Override
        public void onDecodeError(NioConnection connection, DecodeError error) {
            received.add(error);
        }

        @Override
        public void onClosed(NioConnection connection, String reason) {
            closed.complete(reason);
        }
    }
}
