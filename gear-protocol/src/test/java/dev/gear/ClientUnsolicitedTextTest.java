package dev.gear;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 3: bytes that do not start with NUL from a server while no admin request is
 * pending are not the start of a text line (nothing asked for one): the client closes the
 * connection at once and fails the job in flight with a reason naming the bytes. Before, it read
 * them as the start of a line, which (with no newline) swallowed the WORK_COMPLETE that followed:
 * the job hung to its timeout while the connection looked healthy.
 */
class ClientUnsolicitedTextTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void unsolicitedTextClosesTheConnectionAndFailsThePendingJobNamingTheBytes() throws Exception {
        CountDownLatch closedByClient = new CountDownLatch(1);
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Client client = Client.builder().clientId("garbage").reconnectBackoff(Duration.ofSeconds(60),
                        Duration.ofSeconds(60)).build()) {
            Thread serverThread = new Thread(() -> {
                try (Socket s = listener.accept()) {
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    while (readPacketType(in) != PacketType.SUBMIT_JOB) {
                        // SET_CLIENT_ID
                    }
                    out.write(Packet.response(PacketType.JOB_CREATED, "H:garbage:1").toBinary());
                    out.write("hello garbage".getBytes(StandardCharsets.US_ASCII));
                    out.write(Packet.response(PacketType.WORK_COMPLETE, "H:garbage:1", "result").toBinary());
                    out.flush();
                    while (in.read() >= 0) {
                        // until the client closes
                    }
                    closedByClient.countDown();
                } catch (IOException e) {
                    closedByClient.countDown(); // reset by the client: closed too
                }
            }, "garbage-server");
            serverThread.setDaemon(true);
            serverThread.start();
            client.addServer("127.0.0.1", listener.getLocalPort());
            client.waitForServer(WAIT);

            Job job = client.submitJob(new Job("f", "x"));
            job.completion().get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(job.isFailure()).isTrue();
            assertThat(job.failureReason()).contains("lost before the job ended").contains("hello garbage");
            assertThat(closedByClient.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("client closed the connection").isTrue();
            assertThat(client.getConnections().get(0).lastConnectFailure()).get().asString()
                    .contains("hello garbage");
        }
    }

    private static PacketType readPacketType(DataInputStream in) throws IOException {
        byte[] header = new byte[12];
        in.readFully(header);
        ByteBuffer b = ByteBuffer.wrap(header);
        b.getInt();
        PacketType type = PacketType.fromCode(b.getInt());
        in.readFully(new byte[b.getInt()]);
        return type;
    }
}
