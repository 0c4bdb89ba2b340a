package dev.gear.it.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.Client;
import dev.gear.GearmanTimeoutException;
import dev.gear.Job;
import dev.gear.Precedence;
import dev.gear.StatusAdminRequest;
import dev.gear.VersionAdminRequest;
import dev.gear.Worker;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every blocking call gives up when the server never answers. The server is a real socket that
 * accepts and then stays silent (optionally answering SUBMIT_JOB with JOB_CREATED and nothing else).
 */
class BlockingTimeoutIT {
    private static final Duration SHORT = Duration.ofMillis(300);

    private final Fixture fx = new Fixture();
    private SilentServer silent;

    @BeforeEach
    void start() throws IOException {
        silent = fx.add(new SilentServer());
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private Client client() {
        Client client = fx.add(Client.builder().requestTimeout(SHORT).build());
        client.addServer("127.0.0.1", silent.port());
        client.waitForServer(Fixture.TIMEOUT);
        return client;
    }

    @Test
    void submitJobTimesOut() {
        Client client = client();
        assertThatThrownBy(() -> client.submitJob(new Job("f", "x"), false, Precedence.NORMAL, SHORT))
                .isInstanceOf(GearmanTimeoutException.class).hasMessageContaining("SUBMIT_JOB");
        assertThatThrownBy(() -> client.submitJob(new Job("f", "x"))).isInstanceOf(GearmanTimeoutException.class);
    }

    @Test
    void submitJobAsyncFailsWithTimeout() {
        Client client = client();
        assertThatThrownBy(() -> client.submitJobAsync(new Job("f", "x"), true, Precedence.HIGH, SHORT)
                .get(Fixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GearmanTimeoutException.class);
    }

    @Test
    void getStatusAndWaitForCompletionTimeOut() {
        silent.answerSubmits = true;
        Client client = client();
        Job job = client.submitJob(new Job("f", "x"));
        assertThat(job.handle()).isEqualTo("H:silent:1");
        assertThatThrownBy(() -> client.getStatus(job, SHORT)).isInstanceOf(GearmanTimeoutException.class)
                .hasMessageContaining("GET_STATUS");
        assertThatThrownBy(() -> job.waitForCompletion(SHORT)).isInstanceOf(GearmanTimeoutException.class);
        // A late answer to nothing does not confuse the connection: a new submit still works.
        assertThat(client.submitJob(new Job("f", "y")).handle()).isEqualTo("H:silent:2");
    }

    @Test
    void echoSetOptionAndAdminRequestsTimeOut() {
        Client client = client();
        assertThatThrownBy(() -> client.echo("x".getBytes(StandardCharsets.UTF_8), SHORT))
                .isInstanceOf(GearmanTimeoutException.class);
        assertThatThrownBy(() -> client.setOption("exceptions", SHORT)).isInstanceOf(GearmanTimeoutException.class);
        assertThatThrownBy(() -> client.getConnection().sendAdminRequest(new StatusAdminRequest(), SHORT))
                .isInstanceOf(GearmanTimeoutException.class).hasMessageContaining("status");
        assertThatThrownBy(() -> client.getConnection().sendAdminRequest(new VersionAdminRequest()))
                .isInstanceOf(GearmanTimeoutException.class);
    }

    @Test
    void waitForServerTimesOutWhenNothingListens() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Client client = fx.add(new Client());
        client.addServer("127.0.0.1", closedPort);
        assertThatThrownBy(() -> client.waitForServer(SHORT)).isInstanceOf(GearmanTimeoutException.class);
        Worker worker = fx.add(new Worker("w"));
        worker.addServer("127.0.0.1", closedPort);
        assertThatThrownBy(() -> worker.waitForServer(SHORT)).isInstanceOf(GearmanTimeoutException.class);
    }

    @Test
    void getJobWithTimeoutGivesUpWhenGrabsAreNeverAnswered() {
        Worker worker = fx.add(Worker.builder().clientId("w").requestTimeout(SHORT).build());
        worker.addServer("127.0.0.1", silent.port());
        worker.waitForServer(Fixture.TIMEOUT);
        worker.registerFunction("f");
        assertThatThrownBy(() -> worker.getJob(SHORT)).isInstanceOf(GearmanTimeoutException.class);
        assertThat(worker.waitingForJobs()).isZero();
        assertThatThrownBy(() -> worker.getConnection().echo(new byte[] {1}, SHORT))
                .isInstanceOf(GearmanTimeoutException.class);
    }

    /** Accepts connections and never answers, except SUBMIT_JOB* with JOB_CREATED when asked to. */
    private static final class SilentServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<Socket> accepted = new CopyOnWriteArrayList<>();
        volatile boolean answerSubmits;
        private int handles;

        SilentServer() throws IOException {
            Thread t = new Thread(this::acceptLoop, "silent-server");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void acceptLoop() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    accepted.add(s);
                    Thread reader = new Thread(() -> read(s), "silent-server-conn");
                    reader.setDaemon(true);
                    reader.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        /** Reads binary packets (and skips text lines) so the socket never fills up. */
        private void read(Socket s) {
            try (DataInputStream in = new DataInputStream(s.getInputStream())) {
                OutputStream out = s.getOutputStream();
                while (true) {
                    int first = in.read();
                    if (first < 0) {
                        return;
                    }
                    if (first != 0) {
                        while (first >= 0 && first != '\n') {
                            first = in.read();
                        }
                        continue;
                    }
                    byte[] rest = new byte[11];
                    in.readFully(rest);
                    ByteBuffer h = ByteBuffer.wrap(rest);
                    h.position(3);
                    int type = h.getInt();
                    byte[] body = new byte[h.getInt()];
                    in.readFully(body);
                    boolean submit = type == 7 || type == 18 || type == 21 || type == 32 || type == 33 || type == 34;
                    if (submit && answerSubmits) {
                        byte[] handle = ("H:silent:" + nextHandle()).getBytes(StandardCharsets.US_ASCII);
                        ByteBuffer reply = ByteBuffer.allocate(12 + handle.length);
                        reply.put(new byte[] {0, 'R', 'E', 'S'}).putInt(8).putInt(handle.length).put(handle);
                        out.write(reply.array());
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // connection closed by the test
            }
        }

        private synchronized int nextHandle() {
            return ++handles;
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
