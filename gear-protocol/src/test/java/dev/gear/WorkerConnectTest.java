package dev.gear;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.server.Server;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A getJob that is already waiting when the worker's server comes up is served by that server. */
class WorkerConnectTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void getJobWaitingBeforeTheServerIsUpGrabsOnceItConnects() throws Exception {
        int port;
        try (Server first = Server.builder().listenAddress("127.0.0.1").port(0).build().start()) {
            port = first.port(); // free again once closed: the worker cannot connect yet
        }
        try (Worker worker = Worker.builder().clientId("early")
                .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(50)).build()) {
            worker.addServer("127.0.0.1", port);
            worker.registerFunction("f");
            CompletableFuture<WorkerJob> waiting = CompletableFuture.supplyAsync(() -> worker.getJob(TIMEOUT));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (worker.waitingForJobs() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(worker.waitingForJobs()).as("getJob waiting").isEqualTo(1);

            try (Server server = Server.builder().listenAddress("127.0.0.1").port(port).build().start();
                    Client client = new Client("submitter")) {
                client.addServer("127.0.0.1", port);
                client.waitForServer(TIMEOUT);
                Job job = client.submitJob(new Job("f", "x"));
                WorkerJob assigned = waiting.get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
                assertThat(assigned.handle()).isEqualTo(job.handle());
                assigned.sendWorkComplete("ok");
                assertThat(job.waitForCompletion(TIMEOUT).dataAsString()).isEqualTo("ok");
            }
        }
    }
}
