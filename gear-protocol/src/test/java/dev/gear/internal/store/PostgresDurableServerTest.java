package dev.gear.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.server.QueueStores;
import dev.gear.server.RawClient;
import dev.gear.server.Server;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server with a PostgreSQL queue store against a real PostgreSQL ({@link PostgresCluster}):
 * JOB_CREATED only once the job's row is in the table, jobs without a unique never collapsed, a
 * restart keeps every job in priority and FIFO order, and a lost database connection is an ERROR
 * {@code QUEUE_ERROR} to the submitter, not a silent drop.
 */
class PostgresDurableServerTest {
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
        return "server_queue_" + (++tables);
    }

    private static Server start(String table) {
        return Server.builder().listenAddress("127.0.0.1").port(0)
                .queueStore(QueueStores.postgres(cluster.conninfo(), table)).build().start();
    }

    private static Connection raw() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + cluster.port() + "/postgres", "gear", "");
    }

    private static void sendInOneWrite(RawClient client, Packet... packets) {
        int length = 0;
        for (Packet p : packets) {
            length += p.encodedLength();
        }
        ByteBuffer bytes = ByteBuffer.allocate(length);
        for (Packet p : packets) {
            p.writeTo(bytes);
        }
        client.sendBytes(bytes.array());
    }

    private static long rows(Statement statement, String table) throws Exception {
        try (ResultSet count = statement.executeQuery("SELECT count(*) FROM " + table)) {
            count.next();
            return count.getLong(1);
        }
    }

    @Test
    void everyJobCreatedFindsItsRowInTheTable() throws Exception {
        String table = freshTable();
        int jobs = 200;
        try (Server server = start(table); RawClient client = RawClient.connect(server);
             Connection db = raw(); Statement statement = db.createStatement()) {
            Packet[] submits = new Packet[jobs];
            for (int i = 0; i < jobs; i++) {
                submits[i] = Packet.request(PacketType.SUBMIT_JOB_BG, "fn", i % 2 == 0 ? "" : "u" + i, "job " + i);
            }
            sendInOneWrite(client, submits); // pipelined: the writer groups them as they come
            for (int created = 1; created <= jobs; created++) {
                client.expect(PacketType.JOB_CREATED);
                assertThat(rows(statement, table)).as("rows in %s when the client holds %d JOB_CREATED", table, created)
                        .isGreaterThanOrEqualTo(created);
            }
            assertThat(rows(statement, table)).isEqualTo(jobs);
        }
    }

    @Test
    void aRestartKeepsEveryJobNoneCollapsedInPriorityAndFifoOrder() throws Exception {
        String table = freshTable();
        List<String> high = new ArrayList<>();
        List<String> normal = new ArrayList<>();
        List<String> low = new ArrayList<>();
        try (Server server = start(table); RawClient client = RawClient.connect(server)) {
            for (int i = 0; i < 60; i++) {
                String payload = "p" + i;
                String unique = i % 3 == 0 ? "u" + i : ""; // two of three without a unique
                switch (i % 4) {
                    case 0 -> {
                        client.submit(PacketType.SUBMIT_JOB_HIGH_BG, "fn", unique, payload);
                        high.add(payload);
                    }
                    case 3 -> {
                        client.submit(PacketType.SUBMIT_JOB_LOW_BG, "fn", unique, payload);
                        low.add(payload);
                    }
                    default -> {
                        client.submit(PacketType.SUBMIT_JOB_BG, "fn", unique, payload);
                        normal.add(payload);
                    }
                }
            }
            client.send(Packet.request(PacketType.SUBMIT_JOB_EPOCH, "later", "", "2000000000", "epoch"));
            client.expect(PacketType.JOB_CREATED);
        }
        List<String> expected = new ArrayList<>(high);
        expected.addAll(normal);
        expected.addAll(low);
        try (Server server = start(table); RawClient worker = RawClient.connect(server).canDo("fn")) {
            assertThat(worker.adminList("status")).contains("fn\t60\t0\t1", "later\t1\t0\t0");
            List<String> grabbed = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                Packet assign = worker.grab();
                String payload = assign.fieldString(3);
                int n = Integer.parseInt(payload.substring(1));
                assertThat(assign.fieldString(2)).as("client unique of %s", payload).isEqualTo(n % 3 == 0 ? "u" + n : "");
                grabbed.add(payload);
                worker.send(PacketType.WORK_COMPLETE, assign.fieldString(0), "");
            }
            worker.send(Packet.request(PacketType.GRAB_JOB_UNIQ));
            worker.expect(PacketType.NO_JOB);
            assertThat(grabbed).containsExactlyElementsOf(expected);
        }
        try (PostgresQueueStore store = PostgresQueueStore.open(cluster.conninfo(), table)) {
            assertThat(store.loadAll()).as("completed rows removed; the epoch job kept with its when_to_run")
                    .singleElement().satisfies(row -> {
                        assertThat(row.functionText()).isEqualTo("later");
                        assertThat(row.whenToRun()).isEqualTo(2_000_000_000L);
                    });
        }
    }

    @Test
    void aLostDatabaseConnectionIsAQueueErrorToTheSubmitterAndTheNextJobIsStored() throws Exception {
        String table = freshTable();
        try (Server server = start(table); RawClient client = RawClient.connect(server)) {
            client.submit(PacketType.SUBMIT_JOB_BG, "fn", "", "before");
            try (Connection db = raw(); Statement statement = db.createStatement()) {
                statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                        + " AND usename = 'gear' AND backend_type = 'client backend'");
            }
            client.send(PacketType.SUBMIT_JOB_BG, "fn", "", "lost");
            client.expectError("QUEUE_ERROR", "Job could not be stored in the queue store, so it was not accepted: "
                    + "Cannot commit 1 change(s) to postgres jdbc:postgresql://127.0.0.1:" + cluster.port()
                    + "/postgres table " + table + ": ");
            client.submit(PacketType.SUBMIT_JOB_BG, "fn", "", "after");
            // gearmand's when_to_run column is INTEGER: an epoch after 2038 cannot be stored, and says so.
            client.send(Packet.request(PacketType.SUBMIT_JOB_EPOCH, "fn", "", "4102444800", "in 2100"));
            client.expectError("QUEUE_ERROR", "cannot store when_to_run 4102444800 of ");
            assertThat(client.adminList("status")).contains("fn\t2\t0\t0");
        }
        try (PostgresQueueStore store = PostgresQueueStore.open(cluster.conninfo(), table)) {
            assertThat(store.loadAll()).extracting(j -> new String(j.data(), StandardCharsets.UTF_8))
                    .containsExactly("before", "after");
        }
    }
}
