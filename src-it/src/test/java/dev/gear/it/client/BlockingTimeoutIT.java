package dev.gear.it.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.gear.AdminRequest;
import dev.gear.CancelJobAdminRequest;
import dev.gear.Client;
import dev.gear.Connection;
import dev.gear.GearmanTimeoutException;
import dev.gear.Job;
import dev.gear.Precedence;
import dev.gear.ShowJobsAdminRequest;
import dev.gear.ShowUniqueJobsAdminRequest;
import dev.gear.StatusAdminRequest;
import dev.gear.VersionAdminRequest;
import dev.gear.Worker;
import dev.gear.WorkerInterruptedException;
import dev.gear.WorkerJob;
import dev.gear.WorkersAdminRequest;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every blocking call gives up when the server never answers. The server is a real socket that
 * accepts and then stays silent (optionally answering SUBMIT_JOB with JOB_CREATED, or admin lists
 * with a first line and never their end, and nothing else).
 *
 * <p>Each call runs under {@link #assertGivesUp}: it must throw {@link GearmanTimeoutException}
 * (a hang fails the test after {@link Fixture#TIMEOUT}, far beyond the 300 ms asked for). The
 * blocking public methods and where they are proved:
 * <ul>
 * <li>{@code Client.waitForServer()}, {@code (Duration)}; {@code Worker.waitForServer()},
 *     {@code (Duration)}: {@link #waitForServerTimesOutWhenNothingListens}</li>
 * <li>{@code Client.submitJob(Job)}, {@code (Job, boolean, Precedence, Duration)}:
 *     {@link #submitJobTimesOut}; {@code submitJobAsync(Job)}, {@code (…, Duration)}:
 *     {@link #submitJobAsyncFailsWithTimeout}</li>
 * <li>{@code Client.getStatus(Job)}, {@code (Job, Duration)}, {@code getStatusAsync};
 *     {@code Job.waitForCompletion(Duration)}: {@link #getStatusAndWaitForCompletionTimeOut}</li>
 * <li>{@code Client.echo()}, {@code echo(byte[])}, {@code echo(byte[], Duration)};
 *     {@code Client.setOption(String)}, {@code (String, Duration)}; {@code Connection.echo(byte[])},
 *     {@code (byte[], Duration)}: {@link #echoAndSetOptionTimeOut}</li>
 * <li>{@code Connection.sendAdminRequest(AdminRequest)}, {@code (AdminRequest, Duration)} with every
 *     {@code AdminRequest} subclass, on a client's and a worker's connection:
 *     {@link #everyAdminRequestTimesOut}; a list reply that never ends:
 *     {@link #anAdminListThatNeverEndsTimesOut}</li>
 * <li>{@code Worker.getJob(Duration)}: {@link #getJobWithTimeoutGivesUpWhenGrabsAreNeverAnswered};
 *     {@code Worker.getJob()} waits for work without limit by design (DESIGN.md) and is ended by
 *     {@code stopWaitingForJobs}, {@code shutdown} or a thread interrupt:
 *     {@link #getJobWithoutTimeoutEndsOnStopInterruptAndShutdown}</li>
 * </ul>
 * Not blocking, so not here: {@code Job.completion()} (a future; its user picks the timeout),
 * {@code Worker.registerFunction}/{@code unRegisterFunction}/{@code setFunctions} and
 * {@code WorkerJob.send…} (queued for the I/O thread), {@code shutdown}/{@code close}.
 */
class BlockingTimeoutIT {
    private static final Duration SHORT = Duration.ofMillis(300);

    @RegisterExtension
    final Fixture fx = new Fixture();
    private SilentServer silent;

    @BeforeEach
    void start() throws IOException {
        silent = fx.add(new SilentServer());
    }

    /** A client whose default request timeout is {@link #SHORT}, connected to the silent server. */
    private Client client() {
        Client client = fx.add(Client.builder().requestTimeout(SHORT).build());
        client.addServer("127.0.0.1", silent.port());
        client.waitForServer(Fixture.TIMEOUT);
        return client;
    }

    /** A worker whose default request timeout is {@link #SHORT}, connected to the silent server. */
    private Worker worker() {
        Worker worker = fx.add(Worker.builder().clientId("w").requestTimeout(SHORT).build());
        worker.addServer("127.0.0.1", silent.port());
        worker.waitForServer(Fixture.TIMEOUT);
        return worker;
    }

    /**
     * {@code call} throws {@link GearmanTimeoutException} (with {@code messagePart} in its message
     * when given) well within {@link Fixture#TIMEOUT}; a call that hangs fails here.
     */
    private static void assertGivesUp(ThrowingCallable call, String... messagePart) {
        assertTimeoutPreemptively(Fixture.TIMEOUT, () -> {
            AbstractThrowableAssert<?, ?> thrown = assertThatThrownBy(call).isInstanceOf(GearmanTimeoutException.class);
            if (messagePart.length > 0) {
                thrown.hasMessageContainingAll(messagePart);
            }
        });
    }

    @Test
    void submitJobTimesOut() {
        Client client = client();
        assertGivesUp(() -> client.submitJob(new Job("f", "x"), false, Precedence.NORMAL, SHORT), "SUBMIT_JOB");
        assertGivesUp(() -> client.submitJob(new Job("f", "x")));
    }

    @Test
    void submitJobAsyncFailsWithTimeout() {
        Client client = client();
        for (CompletableFuture<Job> submitted : List.of(
                client.submitJobAsync(new Job("f", "x"), true, Precedence.HIGH, SHORT),
                client.submitJobAsync(new Job("f", "y")))) {
            assertTimeoutPreemptively(Fixture.TIMEOUT, () -> assertThatThrownBy(submitted::join)
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(GearmanTimeoutException.class));
        }
    }

    @Test
    void getStatusAndWaitForCompletionTimeOut() {
        silent.answerSubmits = true;
        Client client = client();
        Job job = client.submitJob(new Job("f", "x"));
        assertThat(job.handle()).isEqualTo("H:silent:1");
        assertGivesUp(() -> client.getStatus(job, SHORT), "GET_STATUS");
        assertGivesUp(() -> client.getStatus(job), "GET_STATUS");
        CompletableFuture<Job> status = client.getStatusAsync(job, SHORT);
        assertTimeoutPreemptively(Fixture.TIMEOUT, () -> assertThatThrownBy(status::join)
                .hasCauseInstanceOf(GearmanTimeoutException.class));
        assertGivesUp(() -> job.waitForCompletion(SHORT), job.handle());
        // Late answers to nothing do not confuse the connection: a new submit still works.
        assertThat(client.submitJob(new Job("f", "y")).handle()).isEqualTo("H:silent:2");
    }

    @Test
    void echoAndSetOptionTimeOut() {
        Client client = client();
        assertGivesUp(() -> client.echo("x".getBytes(StandardCharsets.UTF_8), SHORT), "ECHO_REQ");
        assertGivesUp(() -> client.echo("x".getBytes(StandardCharsets.UTF_8)), "ECHO_REQ");
        assertGivesUp(client::echo, "ECHO_REQ");
        assertGivesUp(() -> client.getConnection().echo(new byte[] {1}, SHORT), "ECHO_REQ");
        assertGivesUp(() -> client.getConnection().echo(new byte[] {1}), "ECHO_REQ");
        assertGivesUp(() -> client.setOption("exceptions", SHORT), "OPTION_REQ");
        assertGivesUp(() -> client.setOption("exceptions"), "OPTION_REQ");
        Worker worker = worker();
        assertGivesUp(() -> worker.getConnection().echo(new byte[] {1}), "ECHO_REQ");
        assertGivesUp(() -> worker.getConnection().echo(new byte[] {1}, SHORT), "ECHO_REQ");
    }

    @Test
    void everyAdminRequestTimesOut() {
        List<Supplier<AdminRequest>> requests = List.of(StatusAdminRequest::new, WorkersAdminRequest::new,
                ShowJobsAdminRequest::new, ShowUniqueJobsAdminRequest::new, VersionAdminRequest::new,
                () -> new CancelJobAdminRequest("H:silent:1"));
        for (Connection connection : List.of(client().getConnection(), worker().getConnection())) {
            for (Supplier<AdminRequest> request : requests) {
                assertGivesUp(() -> connection.sendAdminRequest(request.get(), SHORT), request.get().commandLine());
            }
            assertGivesUp(() -> connection.sendAdminRequest(new VersionAdminRequest()), "version");
        }
    }

    @Test
    void anAdminListThatNeverEndsTimesOut() {
        silent.startAdminListsWithoutEnd = true;
        Connection connection = client().getConnection();
        for (AdminRequest request : List.of(new StatusAdminRequest(), new WorkersAdminRequest(),
                new ShowJobsAdminRequest(), new ShowUniqueJobsAdminRequest())) {
            assertGivesUp(() -> connection.sendAdminRequest(request, SHORT), request.commandLine());
            assertThat(request.isComplete()).isFalse();
        }
    }

    @Test
    void waitForServerTimesOutWhenNothingListens() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Client client = fx.add(Client.builder().requestTimeout(SHORT).build());
        client.addServer("127.0.0.1", closedPort);
        assertGivesUp(() -> client.waitForServer(SHORT));
        assertGivesUp(client::waitForServer);
        Worker worker = fx.add(Worker.builder().clientId("w").requestTimeout(SHORT).build());
        worker.addServer("127.0.0.1", closedPort);
        assertGivesUp(() -> worker.waitForServer(SHORT));
        assertGivesUp(worker::waitForServer);
    }

    @Test
    void getJobWithTimeoutGivesUpWhenGrabsAreNeverAnswered() {
        Worker worker = worker();
        worker.registerFunction("f");
        assertGivesUp(() -> worker.getJob(SHORT), "no job");
        assertThat(worker.waitingForJobs()).isZero();
    }

    @Test
    void getJobWithoutTimeoutEndsOnStopInterruptAndShutdown() throws Exception {
        Worker worker = worker();
        worker.registerFunction("f");

        FunctionalIT.awaitInterrupted(worker, fx.async(worker::getJob));

        AtomicReference<Thread> waitingThread = new AtomicReference<>();
        CompletableFuture<WorkerJob> interrupted = fx.async(() -> {
            waitingThread.set(Thread.currentThread());
            return worker.getJob();
        });
        awaitWaiting(worker);
        waitingThread.get().interrupt();
        assertThatThrownBy(() -> interrupted.get(Fixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(WorkerInterruptedException.class).hasMessageContaining("interrupted");

        CompletableFuture<WorkerJob> shutDown = fx.async(worker::getJob);
        awaitWaiting(worker);
        worker.shutdown();
        assertThatThrownBy(() -> shutDown.get(Fixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .hasCauseInstanceOf(WorkerInterruptedException.class).hasMessageContaining("shut down");
    }

    /** Waits until a getJob call is registered as waiting (it runs on another thread). */
    private static void awaitWaiting(Worker worker) {
        long deadline = System.nanoTime() + Fixture.TIMEOUT.toNanos();
        while (worker.waitingForJobs() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no getJob call started waiting within " + Fixture.TIMEOUT);
            }
            Thread.onSpinWait();
        }
    }

    /** Accepts connections and never answers, except SUBMIT_JOB* with JOB_CREATED when asked to. */
    private static final class SilentServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<Socket> accepted = new CopyOnWriteArrayList<>();
        volatile boolean answerSubmits;
        volatile boolean startAdminListsWithoutEnd;
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
                        StringBuilder line = new StringBuilder();
                        while (first >= 0 && first != '\n') {
                            line.append((char) first);
                            first = in.read();
                        }
                        String command = line.toString().trim();
                        boolean list = command.equals("status") || command.equals("workers")
                                || command.startsWith("show ");
                        if (list && startAdminListsWithoutEnd) {
                            out.write("first\tline\n".getBytes(StandardCharsets.US_ASCII)); // never a "." line
                            out.flush();
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
