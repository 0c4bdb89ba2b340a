package dev.gear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Our Client against a server that breaks the protocol (found by src-it's FaultClientSideIT): a
 * fake server on a plain socket, written here byte by byte.
 */
class ClientHostileServerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A packet only clients send (\0REQ) is not an answer: the server is confused, start over. */
    @Test
    void aPacketWithRequestMagicFromTheServerIsRefused() throws Exception {
        try (FakeServer server = new FakeServer(s -> {
            awaitPacket(s, PacketType.SUBMIT_JOB);
            s.getOutputStream().write(Packet.request(PacketType.JOB_CREATED, "H:fake:1").toBinary());
            s.getOutputStream().flush();
            drain(s);
        }); Client client = Client.builder().clientId("req-magic").build()) {
            client.addServer("127.0.0.1", server.port());
            client.waitForServer(TIMEOUT);
            assertThatThrownBy(() -> client.submitJob(new Job("f", "x"), false, Precedence.NORMAL, TIMEOUT))
                    .isInstanceOf(ConnectionException.class)
                    .hasMessageContaining("\\0REQ magic");
        }
    }

    /**
     * An admin list that never ends must not be buffered without bound: the reply is held to the
     * client's largest packet size, then the request fails and the connection is started over.
     */
    @Test
    void anAdminListThatNeverEndsFailsAtTheSizeLimitInsteadOfFillingTheHeap() throws Exception {
        byte[] lines = new byte[64_000];
        Arrays.fill(lines, (byte) 'x');
        for (int i = 7999; i < lines.length; i += 8000) { // long lines (the limit is 8192): fewer to split
            lines[i] = '\n';
        }
        try (FakeServer server = new FakeServer(s -> {
            awaitLine(s);
            OutputStream out = s.getOutputStream();
            while (true) { // until the client closes: an IOException ends the script
                out.write(lines);
            }
        }); Client client = Client.builder().clientId("endless-admin").build()) {
            client.addServer("127.0.0.1", server.port());
            client.waitForServer(TIMEOUT);
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.getConnection().sendAdminRequest(new StatusAdminRequest(),
                    Duration.ofSeconds(30)))
                    .isInstanceOf(InvalidDataException.class)
                    .hasMessageContaining("bytes");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        }
    }

    // ---------------------------------------------------------------- the fake server

    private interface Script {
        void serve(Socket socket) throws IOException;
    }

    /** Reads the client's frames (binary packets, text lines) until a packet of {@code type}. */
    private static void awaitPacket(Socket s, PacketType type) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        while (true) {
            byte[] header = new byte[12];
            in.readFully(header);
            ByteBuffer b = ByteBuffer.wrap(header);
            b.getInt();
            int code = b.getInt();
            in.readFully(new byte[b.getInt()]);
            if (code == type.code()) {
                return;
            }
        }
    }

    /** Skips the client's greeting packets and returns its first text line (an admin command). */
    private static String awaitLine(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        while (true) {
            int first = in.read();
            if (first < 0) {
                throw new IOException("closed");
            }
            if (first == 0) {
                byte[] header = new byte[11];
                in.readFully(header);
                in.readFully(new byte[ByteBuffer.wrap(header, 7, 4).getInt()]);
                continue;
            }
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int c = first; c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("closed");
                }
                line.write(c);
            }
            return line.toString(StandardCharsets.US_ASCII);
        }
    }

    private static void drain(Socket s) throws IOException {
        byte[] buffer = new byte[4096];
        while (s.getInputStream().read(buffer) >= 0) {
            // a server that says nothing more
        }
    }

    /** Accepts connections on loopback and runs the script on each, one thread per connection. */
    private static final class FakeServer implements AutoCloseable {
        private final ServerSocket socket;

        FakeServer(Script script) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
            Thread acceptor = new Thread(() -> {
                while (true) {
                    Socket s;
                    try {
                        s = socket.accept();
                    } catch (IOException e) {
                        return;
                    }
                    Thread t = new Thread(() -> {
                        try (s) {
                            script.serve(s);
                        } catch (IOException e) {
                            // the client closed the connection
                        }
                    }, "fake-server-connection");
                    t.setDaemon(true);
                    t.start();
                }
            }, "fake-server-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
