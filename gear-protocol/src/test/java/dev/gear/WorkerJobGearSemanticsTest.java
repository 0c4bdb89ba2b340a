package dev.gear;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.server.Server;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** gear's WorkerJob calls a porter uses: binaryName and the send… methods without data (issue 17). */
class WorkerJobGearSemanticsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private Server server;
    private Worker worker;
    private final List<byte[]> dataEvents = new CopyOnWriteArrayList<>();
    private Client client;

    @BeforeEach
    void start() {
        server = Server.builder().listenAddress("127.0.0.1").port(0).build().start();
        worker = new Worker("gear-semantics-worker");
        worker.addServer("127.0.0.1", server.port());
        worker.registerFunction("f");
        worker.waitForServer(WAIT);
        client = Client.builder().clientId("gear-semantics").listener(new ClientListener() {
            @Override
            public void onWorkData(Job job, byte[] data) {
                dataEvents.add(data);
            }
        }).build();
        client.addServer("127.0.0.1", server.port());
        client.waitForServer(WAIT);
    }

    @AfterEach
    void stop() {
        client.close();
        worker.close();
        server.close();
    }

    @Test
    void binaryNameIsTheFunctionNamesBytes() {
        client.submitJob(new Job("f", "x"));
        WorkerJob job = worker.getJob(WAIT);
        assertThat(job.binaryName()).isEqualTo("f".getBytes(StandardCharsets.UTF_8));
        job.sendWorkComplete();
    }

    @Test
    void sendWithoutDataSendsAnEmptyPayload() {
        Job submitted = client.submitJob(new Job("f", "x"));
        WorkerJob job = worker.getJob(WAIT);
        job.sendWorkData();
        job.sendWorkWarning();
        job.sendWorkException();

        submitted.waitForCompletion(WAIT);
        assertThat(dataEvents).singleElement().satisfies(d -> assertThat(d).isEmpty());
        assertThat(submitted.isWarning()).isTrue();
        assertThat(submitted.isFailure()).isTrue();
        assertThat(submitted.exception()).isEmpty();
    }
}
