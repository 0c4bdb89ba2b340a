package dev.gear.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.Precedence;
import dev.gear.server.JobSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code persistentQueue(file)}: background jobs survive {@code restart()}, in order; without it they are gone. */
class PersistentQueueTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static void submitTwo(Client client) {
        client.submitJob(new Job("mail", "normal"), true, Precedence.NORMAL, TIMEOUT);
        client.submitJob(new Job("mail", "high"), true, Precedence.HIGH, TIMEOUT);
    }

    @Test
    void restartKeepsBackgroundJobsAndAWorkerGetsThemAfterwards(@TempDir Path dir) {
        try (EmbeddedGearmanServer server = EmbeddedGearmanServer.builder().persistentQueue(dir.resolve("queue.db"))
                .build().start(); Client client = server.newClient()) {
            submitTwo(client);
            server.restart();
            assertThat(server.snapshot().queuedJobs("mail")).extracting(JobSnapshot::payloadString)
                    .containsExactly("high", "normal");

            server.stub("mail").willComplete("sent");
            server.awaitIdle(TIMEOUT);
            // Restored jobs were not submitted in this run, so the journal knows them from their assignment on.
            assertThat(server.journal().events(JournalEvent.JobCompleted.class)).hasSize(2);
            assertThat(server.snapshot().jobs()).isEmpty();

            client.waitForServer(TIMEOUT); // reconnected after the restart
            server.restart();
            assertThat(server.snapshot().queuedJobs("mail")).as("completed jobs left the store").isEmpty();
        }
    }

    @Test
    void withoutItARestartLosesThem() {
        try (EmbeddedGearmanServer server = EmbeddedGearmanServer.started(); Client client = server.newClient()) {
            submitTwo(client);
            server.restart();
            assertThat(server.snapshot().queuedJobs("mail")).isEmpty();
        }
    }
}
