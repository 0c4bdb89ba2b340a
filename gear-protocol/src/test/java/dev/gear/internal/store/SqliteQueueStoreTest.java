package dev.gear.internal.store;

import static dev.gear.internal.store.Jobs.job;
import static dev.gear.internal.store.Jobs.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteQueueStoreTest {
    @TempDir
    Path dir;

    @Test
    void rowsComeBackByteForByteAfterReopen() {
        Path file = dir.resolve("queue.db");
        byte[] oddUnique = {(byte) 0xff, 'u', (byte) 0x80, 1};
        StoredJob binary = new StoredJob(oddUnique, utf8("fn-\u00e9"), StoredJob.NORMAL,
                new byte[] {0, 1, 2, (byte) 0xfe, 0}, 0, oddUnique);
        StoredJob empty = job("fn", "empty-data", StoredJob.LOW, "", 0);
        StoredJob epoch = job("fn", "later", StoredJob.HIGH, "x", 4_102_444_800L);
        try (SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue")) {
            store.add(List.of(binary, empty, epoch));
        }
        try (SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue")) {
            assertThat(store.loadAll()).containsExactly(epoch, binary, empty);
        }
    }

    @Test
    void createsGearmandsTableAndColumnTypesGearmandsReplayAccepts() throws Exception {
        Path file = dir.resolve("queue.db");
        try (SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue")) {
            store.add(List.of(job("fn", "u1", StoredJob.NORMAL, "", 0), job("fn", "u2", StoredJob.LOW, "d", 7)));
        }
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = raw.createStatement()) {
            try (ResultSet sql = statement.executeQuery("SELECT sql FROM sqlite_master WHERE name = 'gearman_queue'")) {
                assertThat(sql.next()).isTrue();
                assertThat(sql.getString(1)).isEqualTo("CREATE TABLE gearman_queue (unique_key TEXT, function_name TEXT,"
                        + " priority INTEGER, data BLOB, when_to_run INTEGER, PRIMARY KEY (unique_key, function_name))");
            }
            // gearmand's replay refuses a row unless the key columns are TEXT, priority INTEGER, data BLOB.
            List<String> types = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT typeof(unique_key), typeof(function_name), typeof(priority),"
                    + " typeof(data), typeof(when_to_run) FROM gearman_queue")) {
                while (rows.next()) {
                    types.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3) + " "
                            + rows.getString(4) + " " + rows.getString(5));
                }
            }
            assertThat(types).containsOnly("text text integer blob integer").hasSize(2);
            try (ResultSet mode = statement.executeQuery("PRAGMA journal_mode")) {
                assertThat(mode.next()).isTrue();
                assertThat(mode.getString(1)).isEqualTo("wal");
            }
        }
    }

    @Test
    void priorityFirstThenInsertionOrderAcrossReopenAndReplace() {
        Path file = dir.resolve("queue.db");
        List<StoredJob> written = new ArrayList<>();
        try (SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue")) {
            for (int i = 0; i < 30; i++) {
                // unique keys in reverse alphabetical order, so key order and insertion order differ
                StoredJob job = job("fn", "z" + (100 - i), i % 3, "d" + i, 0);
                written.add(job);
                store.add(List.of(job));
            }
            store.remove(List.of(written.get(0)));
        }
        try (SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue")) {
            StoredJob again = job("fn", "z100", StoredJob.HIGH, "again", 0);
            store.add(List.of(again)); // re-added after removal: it is the newest HIGH row
            List<StoredJob> expected = new ArrayList<>();
            for (int priority = 0; priority < 3; priority++) {
                for (StoredJob job : written.subList(1, written.size())) {
                    if (job.priority() == priority) {
                        expected.add(job);
                    }
                }
                if (priority == 0) {
                    expected.add(again);
                }
            }
            assertThat(store.loadAll()).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void jobsWithoutUniqueAreNeverCollapsedAndComeBackWithoutUnique() {
        Path file = dir.resolve("queue.db");
        StoredKeys keys = new StoredKeys();
        List<StoredJob> jobs = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            jobs.add(keys.job(utf8("resize"), new byte[0], StoredJob.NORMAL, utf8("image-" + i), 0));
        }
        try (SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue")) {
            store.add(jobs);
        }
        try (SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue")) {
            List<StoredJob> loaded = store.loadAll();
            assertThat(loaded).hasSize(3_000);
            assertThat(loaded).allSatisfy(job -> assertThat(job.clientUnique()).isEmpty());
            assertThat(loaded.stream().map(job -> new String(job.data())).toList())
                    .containsExactlyElementsOf(jobs.stream().map(job -> new String(job.data())).toList());
            store.remove(List.of(loaded.get(1)));
            assertThat(store.loadAll()).hasSize(2_999).doesNotContain(loaded.get(1));
        }
    }

    @Test
    void generatedKeysOfTwoRunsDoNotCollide() {
        Path file = dir.resolve("queue.db");
        try (SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue")) {
            store.add(List.of(new StoredKeys().job(utf8("fn"), new byte[0], 1, utf8("run 1"), 0)));
            store.add(List.of(new StoredKeys().job(utf8("fn"), new byte[0], 1, utf8("run 2"), 0)));
            assertThat(store.loadAll()).extracting(job -> new String(job.data())).containsExactly("run 1", "run 2");
        }
    }

    @Test
    void aCustomTableLeavesOthersAlone() {
        Path file = dir.resolve("queue.db");
        try (SqliteQueueStore first = SqliteQueueStore.open(file, "gearman_queue");
             SqliteQueueStore second = SqliteQueueStore.open(file, "other_queue")) {
            first.add(List.of(job("fn", "a", 1, "first", 0)));
            second.add(List.of(job("fn", "a", 1, "second", 0)));
            assertThat(first.loadAll()).containsExactly(job("fn", "a", 1, "first", 0));
            assertThat(second.loadAll()).containsExactly(job("fn", "a", 1, "second", 0));
            assertThat(second.description()).isEqualTo("sqlite " + file + " table other_queue");
        }
    }

    @Test
    void aTableNameThatIsNotAnIdentifierIsRefused() {
        assertThatThrownBy(() -> SqliteQueueStore.open(dir.resolve("q.db"), "queue; DROP TABLE x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("queue table name 'queue; DROP TABLE x' is not a plain SQL identifier (letters, digits and _,"
                        + " not starting with a digit, optionally schema.table)");
    }

    @Test
    void aTableWithoutGearmandsColumnsIsRefusedByName() throws Exception {
        Path file = dir.resolve("queue.db");
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = raw.createStatement()) {
            statement.execute("CREATE TABLE gearman_queue (unique_key TEXT, function_name TEXT, priority INTEGER)");
        }
        assertThatThrownBy(() -> SqliteQueueStore.open(file, "gearman_queue"))
                .isInstanceOf(QueueStoreException.class)
                .hasMessage("Cannot open sqlite queue store " + file + " (table gearman_queue): the table lacks column(s)"
                        + " data, when_to_run of gearmand's layout (unique_key, function_name, priority, data, when_to_run)");
    }

    @Test
    void aRowWithAnUnknownPriorityIsReportedNotGuessed() throws Exception {
        Path file = dir.resolve("queue.db");
        SqliteQueueStore.open(file, "gearman_queue").close();
        try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = raw.createStatement()) {
            statement.execute("INSERT INTO gearman_queue VALUES ('u', 'fn', 7, x'00', 0)");
        }
        try (SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue")) {
            assertThatThrownBy(store::loadAll)
                    .isInstanceOf(QueueStoreException.class)
                    .hasMessage("sqlite " + file + " table gearman_queue holds a row (function fn, unique_key u) with"
                            + " priority 7, not 0 (HIGH), 1 (NORMAL) or 2 (LOW)");
        }
    }

    @Test
    void whatWasCommittedSurvivesAProcessThatNeverClosedTheFile() throws Exception {
        // The files on disk while the store is still open are what kill -9 leaves behind.
        Path file = dir.resolve("queue.db");
        Path crash = Files.createDirectory(dir.resolve("crash"));
        StoredJob job = job("fn", "u", 1, "durable", 0);
        SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue");
        try {
            store.add(List.of(job));
            Files.copy(file, crash.resolve("queue.db"));
            Files.copy(dir.resolve("queue.db-wal"), crash.resolve("queue.db-wal"));
        } finally {
            store.close();
        }
        try (SqliteQueueStore recovered = SqliteQueueStore.open(crash.resolve("queue.db"), "gearman_queue")) {
            assertThat(recovered.loadAll()).containsExactly(job);
        }
    }
}
