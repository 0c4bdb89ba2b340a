package dev.gear.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Client;
import dev.gear.Worker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The old names stay as delegates of the new ones until they are removed. */
@SuppressWarnings("deprecation")
class DeprecatedNamesTest {

    @Test
    void oldPeerAndTextNamesStillWork() {
        try (EmbeddedGearmanServer server = EmbeddedGearmanServer.builder().tls().build().start();
             Client client = server.newClient("web");
             Worker worker = server.newWorker("resizer", List.of("resize"))) {
            server.submit("resize", "a.png");
            worker.getJob(Duration.ofSeconds(10)).sendWorkComplete("small.png");

            RecordedJob done = server.awaitJob(JobCriteria.function("resize").inState(JobState.COMPLETED),
                    Duration.ofSeconds(10));
            assertThat(done.payloadText()).isEqualTo("a.png");
            assertThat(done.resultText()).isEqualTo("small.png");
            assertThat(done.worker().subject()).isEqualTo("resizer");
            assertThat(client.getConnections()).singleElement().satisfies(c -> assertThat(c.isConnected()).isTrue());
        }
    }
}
