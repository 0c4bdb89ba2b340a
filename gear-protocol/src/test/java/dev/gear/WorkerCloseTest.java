package dev.gear;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.server.Server;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A worker used the shortest way: add a server, register, getJob at once (before the connection is
 * up), answer, close at once. The grab must wait for the connection, and the answer must not be
 * swallowed by the close.
 */
class WorkerCloseTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void resultSentJustBeforeCloseReachesTheClient() {
        try (Server server = Server.builder().listenAddress("127.0.0.1").port(0).build().start();
                Client client = new Client("closer-client")) {
            client.addServer("127.0.0.1", server.port());
            client.waitForServer(TIMEOUT);
            for (int i = 0; i < 20; i++) {
                Job job = new Job("close-" + i, "payload-" + i);
                client.submitJob(job);
                Worker worker = new Worker("closer-" + i);
                try {
                    worker.addServer("127.0.0.1", server.port());
                    worker.registerFunction("close-" + i);
                    WorkerJob assigned = worker.getJob(TIMEOUT);
                    assigned.sendWorkComplete("done-" + i);
                } finally {
                    worker.close();
                }
                assertThat(job.waitForCompletion(TIMEOUT).isFailure()).as("job %d failed: %s", i, job.failureReason()).isFalse();
                assertThat(job.dataAsString()).isEqualTo("done-" + i);
            }
        }
    }
}
