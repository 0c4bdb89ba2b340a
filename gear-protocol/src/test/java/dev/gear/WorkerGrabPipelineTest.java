package dev.gear;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.server.Server;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A connection that just handed out a job takes several grabs at once (one per waiting thread),
 * but the worker never holds more assigned jobs than threads that asked for one: docs/client.md.
 * The server's count of running jobs is read after an ECHO on the worker's own connection, which
 * the server answers only after every grab sent before it.
 */
class WorkerGrabPipelineTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int QUEUED = 20;

    @Test
    void pipelinedGrabsNeverTakeMoreJobsThanThreadsWaiting() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try (Server server = Server.builder().listenAddress("127.0.0.1").port(0).build().start();
                Client client = new Client("submitter");
                Worker worker = Worker.builder().clientId("pipelined").build()) {
            client.addServer("127.0.0.1", server.port());
            client.waitForServer(TIMEOUT);
            for (int i = 0; i < QUEUED; i++) {
                client.submitJob(new Job("f", "job " + i), true, Precedence.NORMAL, TIMEOUT);
            }
            worker.addServer("127.0.0.1", server.port());
            worker.waitForServer(TIMEOUT);
            worker.registerFunction("f");

            // Three threads each take a job and keep it.
            List<Future<WorkerJob>> taking = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                taking.add(threads.submit(() -> worker.getJob(TIMEOUT)));
            }
            List<WorkerJob> held = new ArrayList<>();
            for (Future<WorkerJob> f : taking) {
                held.add(f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            }
            assertRunning(server, worker, 3);
            for (WorkerJob job : held) {
                job.sendWorkComplete();
            }

            // One thread from now on: after each job the connection is hot, yet exactly one grab goes out.
            for (int i = 0; i < 5; i++) {
                WorkerJob job = worker.getJob(TIMEOUT);
                assertRunning(server, worker, 1);
                job.sendWorkComplete();
            }
            assertThat(server.snapshot().queuedJobs()).hasSize(QUEUED - 8);
        } finally {
            threads.shutdownNow();
        }
    }

    private static void assertRunning(Server server, Worker worker, int expected) {
        worker.getConnection().echo("sync".getBytes(StandardCharsets.US_ASCII), TIMEOUT);
        assertThat(server.snapshot().runningJobs()).as("jobs assigned to the worker").hasSize(expected);
        assertThat(worker.waitingForJobs()).isZero();
    }
}
