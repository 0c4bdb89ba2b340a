package dev.gear;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 7: what {@link WorkerJob#sendWorkComplete} promises once the server dropped the
 * worker's connection. As soon as the worker has seen the drop (here: it has already reconnected
 * and greeted the server again),
 * every send… for a job of the old connection throws {@link ConnectionException}; it never
 * returns normally having sent nothing. (A drop the worker has not seen yet cannot be known; the
 * Javadoc says so.)
 */
class WorkerJobAfterDropTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void sendWorkCompleteAfterTheServerDroppedTheWorkerThrows() throws Exception {
        CountDownLatch reconnected = new CountDownLatch(1);
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Worker worker = Worker.builder().clientId("dropped")
                        .reconnectBackoff(Duration.ofMillis(1), Duration.ofMillis(1)).build()) {
            Thread server = new Thread(() -> {
                try (Socket first = listener.accept()) {
                    DataInputStream in = new DataInputStream(first.getInputStream());
                    OutputStream out = first.getOutputStream();
                    while (readType(in) != PacketType.GRAB_JOB_UNIQ) {
                        // SET_CLIENT_ID, CAN_DO
                    }
                    out.write(Packet.response(PacketType.JOB_ASSIGN_UNIQ, "H:drop:1", "f", "", "x").toBinary());
                    out.flush();
                } catch (IOException e) {
                    return;
                } // the server drops the worker's connection right after the job
                try (Socket second = listener.accept()) {
                    DataInputStream in = new DataInputStream(second.getInputStream());
                    readType(in); // SET_CLIENT_ID: the worker has taken the new connection as its own
                    reconnected.countDown();
                    second.getInputStream().transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // the worker closed
                }
            }, "dropping-server");
            server.setDaemon(true);
            server.start();
            worker.addServer("127.0.0.1", listener.getLocalPort());
            worker.registerFunction("f");

            WorkerJob job = worker.getJob(WAIT);
            if (!reconnected.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("the worker did not reconnect");
            }

            assertThatThrownBy(() -> job.sendWorkComplete("late")).isInstanceOf(ConnectionException.class)
                    .hasMessage("cannot send WORK_COMPLETE: the connection to 127.0.0.1:" + listener.getLocalPort()
                            + " it came on was lost (reconnected since)");
            assertThatThrownBy(job::sendWorkFail).isInstanceOf(ConnectionException.class);
        }
    }

    private static PacketType readType(DataInputStream in) throws IOException {
        byte[] header = new byte[12];
        in.readFully(header);
        ByteBuffer b = ByteBuffer.wrap(header);
        b.getInt();
        PacketType type = PacketType.fromCode(b.getInt());
        in.readFully(new byte[b.getInt()]);
        return type;
    }
}
