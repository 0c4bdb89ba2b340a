package dev.gear.internal.store;

import static dev.gear.internal.store.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A really full and a really read-only filesystem under the SQLite store (tiny tmpfs mounts). */
class SqliteDiskFailureTest {
    private static final String PAYLOAD = "x".repeat(16 * 1024);

    @BeforeAll
    static void needsMount() {
        Optional<String> reason = SmallFilesystem.unavailableReason();
        assumeTrue(reason.isEmpty(), () -> "skipped: " + reason.orElse(""));
    }

    @Test
    void aFullDiskFailsTheSubmittersKeepsWhatWasAcknowledgedAndTheWriterGoesOnOnceThereIsRoom() throws Exception {
        try (SmallFilesystem fs = SmallFilesystem.mount(512)) {
            Path file = fs.path().resolve("queue.db");
            List<StoredJob> acknowledged = new ArrayList<>();
            Throwable failure = null;
            try (GroupCommitWriter writer = new GroupCommitWriter(SqliteQueueStore.open(file, "gearman_queue"), "test-writer")) {
                for (int i = 0; i < 200 && failure == null; i++) {
                    StoredJob job = job("fn", "u" + i, 1, PAYLOAD, 0);
                    try {
                        writer.add(List.of(job)).get(30, TimeUnit.SECONDS);
                        acknowledged.add(job);
                    } catch (java.util.concurrent.ExecutionException e) {
                        failure = e.getCause();
                    }
                }
                assertThat(failure).as("512 KiB must fill up with 200 x 16 KiB").isInstanceOf(QueueStoreException.class);
                assertThat(failure.getMessage()).startsWith("Cannot commit 1 change(s) to sqlite " + file + " table gearman_queue: ")
                        .containsIgnoringCase("full");
                assertThat(acknowledged).isNotEmpty();
                assertThat(writer.failedCommits()).isEqualTo(1);

                fs.resize(8 * 1024);
                StoredJob afterRoom = job("fn", "after", 1, PAYLOAD, 0);
                writer.add(List.of(afterRoom)).get(30, TimeUnit.SECONDS);
                acknowledged.add(afterRoom);
            }
            try (SqliteQueueStore reopened = SqliteQueueStore.open(file, "gearman_queue")) {
                assertThat(reopened.loadAll()).containsExactlyElementsOf(acknowledged);
            }
        }
    }

    @Test
    void aReadOnlyFileFailsEverySubmitterAndLosesNothingAcknowledged() throws Exception {
        try (SmallFilesystem fs = SmallFilesystem.mount(4 * 1024)) {
            Path file = fs.path().resolve("queue.db");
            List<StoredJob> acknowledged = List.of(job("fn", "a", 0, "1", 0), job("fn", "b", 2, "2", 0));
            try (SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue")) {
                store.add(acknowledged);
            }
            fs.readOnly();
            try {
                Throwable refused;
                try (GroupCommitWriter writer = new GroupCommitWriter(SqliteQueueStore.open(file, "gearman_queue"), "test-writer")) {
                    assertThat(writer.store().loadAll()).containsExactlyElementsOf(acknowledged);
                    CompletableFuture<Void> add = writer.add(List.of(job("fn", "c", 1, "3", 0)));
                    refused = org.assertj.core.api.Assertions.catchThrowable(add::join);
                } catch (QueueStoreException openRefused) {
                    refused = openRefused; // equally clear: the file cannot be opened for writing
                }
                assertThat(refused).isInstanceOfAny(CompletionException.class, QueueStoreException.class);
                Throwable cause = refused instanceof CompletionException ? refused.getCause() : refused;
                assertThat(cause).isInstanceOf(QueueStoreException.class);
                assertThat(cause.getMessage()).contains(file.toString()).containsAnyOf("read-only", "readonly");
            } finally {
                fs.readWrite();
            }
            try (SqliteQueueStore reopened = SqliteQueueStore.open(file, "gearman_queue")) {
                assertThat(reopened.loadAll()).containsExactlyElementsOf(acknowledged);
            }
        }
    }

    @Test
    void aDirectoryThatIsNotThereIsReportedAtOpen() {
        Path file = Path.of("/nonexistent-gear-dir/queue.db");
        assertThatThrownBy(() -> SqliteQueueStore.open(file, "gearman_queue"))
                .isInstanceOf(QueueStoreException.class)
                .hasMessageStartingWith("Cannot open sqlite queue store " + file + " (table gearman_queue): ");
    }
}
