package dev.gear.internal.store;

import static dev.gear.internal.store.Jobs.job;
import static dev.gear.internal.store.Jobs.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The PostgreSQL store against a real PostgreSQL server that the test starts and stops. */
class PostgresQueueStoreTest {
    private static PostgresCluster cluster;
    private static int tables;

    @BeforeAll
    static void startPostgres() throws Exception {
        Optional<String> reason = PostgresCluster.unavailableReason();
        assumeTrue(reason.isEmpty(), () -> "skipped: " + reason.orElse(""));
        cluster = PostgresCluster.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String freshTable() {
        return "queue_" + (++tables);
    }

    private static Connection raw() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + cluster.port() + "/postgres", "gear", "");
    }

    @Test
    void roundTripInPriorityThenInsertionOrderAcrossReopen() {
        String table = freshTable();
        List<StoredJob> written = new ArrayList<>();
        StoredKeys keys = new StoredKeys();
        try (PostgresQueueStore store = PostgresQueueStore.open(cluster.conninfo(), table)) {
            for (int i = 0; i < 30; i++) {
                StoredJob job = i % 5 == 0 ? keys.job(utf8("fn"), new byte[0], i % 3, utf8("anon " + i), 0)
                        : job("fn", "z" + (100 - i), i % 3, "d" + i, i == 7 ? 2_000_000_000L : 0);
                written.add(job);
            }
            store.add(written.subList(0, 10));
            store.add(written.subList(10, 30));
            store.remove(List.of(written.get(1)));
        }
        List<StoredJob> expected = new ArrayList<>();
        for (int priority = 0; priority < 3; priority++) {
            for (StoredJob job : written) {
                if (job.priority() == priority && job != written.get(1)) {
                    expected.add(job);
                }
            }
        }
        try (PostgresQueueStore store = PostgresQueueStore.open(cluster.conninfo(), table)) {
            assertThat(store.keepsInsertionOrder()).isTrue();
            List<StoredJob> loaded = store.loadAll();
            assertThat(loaded).containsExactlyElementsOf(expected);
            assertThat(loaded.stream().filter(j -> new String(j.data()).startsWith("anon")))
                    .hasSize(6).allSatisfy(j -> assertThat(j.clientUnique()).isEmpty());
        }
    }

    @Test
    void createsGearmandsLayoutPlusTheOrderColumn() throws Exception {
        String table = freshTable();
        PostgresQueueStore.open(cluster.conninfo(), table).close();
        List<String> columns = new ArrayList<>();
        try (Connection raw = raw(); Statement statement = raw.createStatement();
             ResultSet rows = statement.executeQuery("SELECT column_name, data_type, character_maximum_length"
                     + " FROM information_schema.columns WHERE table_name = '" + table + "' ORDER BY ordinal_position")) {
            while (rows.next()) {
                columns.add(rows.getString(1) + " " + rows.getString(2)
                        + (rows.getObject(3) == null ? "" : "(" + rows.getInt(3) + ")"));
            }
        }
        assertThat(columns).containsExactly("unique_key character varying(64)", "function_name character varying(255)",
                "priority integer", "data bytea", "when_to_run integer", "gear_seq bigint");
    }

    @Test
    void aTableGearmandCreatedIsReadAndGetsTheOrderColumn() throws Exception {
        String table = freshTable();
        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            // gearmand's CREATE and INSERT statements, as its Postgres plugin issues them.
            statement.execute("CREATE TABLE " + table + " (unique_key VARCHAR(64), function_name VARCHAR(255),"
                    + " priority INTEGER, data BYTEA, when_to_run INTEGER, UNIQUE (unique_key, function_name))");
            statement.execute("INSERT INTO " + table + " (priority, unique_key, function_name, data, when_to_run)"
                    + " VALUES (1, 'second', 'fn', 'b'::BYTEA, 0)");
            statement.execute("INSERT INTO " + table + " (priority, unique_key, function_name, data, when_to_run)"
                    + " VALUES (0, 'first', 'fn', 'a'::BYTEA, 1700000000)");
        }
        try (PostgresQueueStore store = PostgresQueueStore.open(cluster.conninfo(), table)) {
            assertThat(store.loadAll()).containsExactly(job("fn", "first", 0, "a", 1_700_000_000L), job("fn", "second", 1, "b", 0));
        }
        // gearmand's INSERT still works on the altered table, and its row sorts after ours.
        try (Connection raw = raw(); Statement statement = raw.createStatement()) {
            statement.execute("INSERT INTO " + table + " (priority, unique_key, function_name, data, when_to_run)"
                    + " VALUES (1, 'third', 'fn', 'c'::BYTEA, 0)");
        }
        try (PostgresQueueStore store = PostgresQueueStore.open(cluster.conninfo(), table)) {
            assertThat(store.loadAll()).extracting(StoredJob::uniqueKeyText).containsExactly("first", "second", "third");
        }
    }

    @Test
    void groupCommitAgainstPostgres() throws Exception {
        String table = freshTable();
        try (GroupCommitWriter writer = new GroupCommitWriter(PostgresQueueStore.open(cluster.conninfo(), table), "pg-writer")) {
            List<CompletableFuture<Void>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                Thread submitter = new Thread(() -> {
                    for (int i = 0; i < 500; i++) {
                        futures.add(writer.add(List.of(job("fn", thread + ":" + i, 1, "", 0))));
                    }
                });
                threads.add(submitter);
                submitter.start();
            }
            for (Thread thread : threads) {
                thread.join(30_000);
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertThat(writer.rowsCommitted()).isEqualTo(2_000);
            assertThat(writer.commits()).isLessThan(2_000);
            assertThat(writer.store().loadAll()).hasSize(2_000);
        }
    }

    @Test
    void rowsPostgresCannotHoldAreRefusedAloneWithAReason() throws Exception {
        String table = freshTable();
        try (GroupCommitWriter writer = new GroupCommitWriter(PostgresQueueStore.open(cluster.conninfo(), table), "pg-writer")) {
            String where = "postgres jdbc:postgresql://127.0.0.1:" + cluster.port() + "/postgres table " + table;
            StoredJob tooLong = job("fn", "u".repeat(65), 1, "", 0);
            assertThatThrownBy(() -> writer.add(List.of(tooLong)).join()).cause()
                    .isInstanceOf(QueueStoreException.class)
                    .hasMessage(where + " cannot store the unique of " + tooLong + ": it is longer than the column's 64 characters");
            StoredJob notText = new StoredJob(new byte[] {(byte) 0xff}, utf8("fn"), 1, new byte[0], 0, new byte[] {(byte) 0xff});
            assertThatThrownBy(() -> writer.add(List.of(notText)).join()).cause()
                    .hasMessage(where + " cannot store the unique of " + notText
                            + ": it is not UTF-8 text (PostgreSQL's VARCHAR columns hold text only)");
            writer.add(List.of(job("fn", "fine", 1, "", 0))).get(30, TimeUnit.SECONDS);
            assertThat(writer.store().loadAll()).extracting(StoredJob::uniqueKeyText).containsExactly("fine");
        }
    }

    @Test
    void aLostConnectionFailsThatBatchAndTheNextOneReconnects() throws Exception {
        String table = freshTable();
        try (PostgresQueueStore store = PostgresQueueStore.open(cluster.conninfo(), table)) {
            store.add(List.of(job("fn", "before", 1, "", 0)));
            try (Connection raw = raw(); Statement statement = raw.createStatement()) {
                statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                        + " AND usename = 'gear' AND backend_type = 'client backend'");
            }
            assertThatThrownBy(() -> store.add(List.of(job("fn", "lost", 1, "", 0))))
                    .isInstanceOf(QueueStoreException.class)
                    .hasMessageStartingWith("Cannot commit 1 change(s) to postgres jdbc:postgresql://127.0.0.1:"
                            + cluster.port() + "/postgres table " + table + ": ");
            store.add(List.of(job("fn", "after", 1, "", 0)));
            assertThat(store.loadAll()).extracting(StoredJob::uniqueKeyText).containsExactly("before", "after");
        }
    }

    @Test
    void anUnreachableServerIsReportedAtOpen() {
        assertThatThrownBy(() -> PostgresQueueStore.open("host=127.0.0.1 port=1 dbname=postgres user=gear connect_timeout=5", "queue"))
                .isInstanceOf(QueueStoreException.class)
                .hasMessageStartingWith("Cannot open postgres queue store jdbc:postgresql://127.0.0.1:1/postgres (table queue): ");
    }
}
