package dev.gear.it.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.store.SqliteQueueStore;
import dev.gear.internal.store.StoredJob;
import dev.gear.internal.store.StoredKeys;
import dev.gear.it.support.GeardProcess;
import dev.gear.it.support.GearmandProcess;
import dev.gear.it.support.RawConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable background jobs through real processes (issue 16): a real {@code geard} child JVM with
 * {@code -q libsqlite3} killed with SIGKILL right after its last JOB_CREATED, then started again
 * on the same file; and the same file format crossing between geard and the real gearmand in both
 * directions.
 */
class DurableQueueIT {
    private static final String FUNCTION = "durable";
    private static final String LATER = "later";
    /** 2100-01-01T00:00:00Z: an epoch job that must stay queued through every restart here. */
    private static final String EPOCH_2100 = "4102444800";
    private static final int CONNECTIONS = 4;
    private static final int JOBS_PER_CONNECTION = 250;
    private static final PacketType[] BY_PRIORITY = {
        PacketType.SUBMIT_JOB_HIGH_BG, PacketType.SUBMIT_JOB_BG, PacketType.SUBMIT_JOB_LOW_BG};

    @TempDir
    Path dir;

    private static void assumeGeard() {
        Optional<String> reason = GeardProcess.unavailableReason();
        assumeTrue(reason.isEmpty(), () -> "skipped: " + reason.orElse(""));
    }

    private static void assumeGearmand() {
        Optional<String> reason = GearmandProcess.unavailableReason();
        assumeTrue(reason.isEmpty(), () -> "skipped: " + reason.orElse(""));
    }

    /** One submitted job as the test remembers it. */
    private record Sent(String payload, String unique, int priority, long handleNumber) {
    }

    private static long handleNumber(String handle) {
        return Long.parseLong(handle.substring(handle.lastIndexOf(':') + 1));
    }

    @Test
    void killNineRightAfterTheLastJobCreatedLosesNoJobAndRunsNoneTwice() throws Exception {
        assumeGeard();
        Path file = dir.resolve("queue.db");
        List<Sent> sent = new ArrayList<>();
        GeardProcess first = GeardProcess.start("-q", "libsqlite3", "--libsqlite3-db", file.toString());
        try {
            List<RawConnection> clients = new ArrayList<>();
            try {
                List<List<Sent>> perConnection = new ArrayList<>();
                for (int c = 0; c < CONNECTIONS; c++) {
                    RawConnection client = RawConnection.open(first);
                    clients.add(client);
                    List<Packet> packets = new ArrayList<>();
                    List<Sent> mine = new ArrayList<>();
                    for (int i = 0; i < JOBS_PER_CONNECTION; i++) {
                        String payload = "c" + c + "-" + i;
                        // Half without a unique: gearmand's own SQLite key would collapse them into one row.
                        String unique = i % 2 == 0 ? "" : "u-" + payload;
                        int priority = (i * 7 + c) % 3;
                        packets.add(Packet.request(BY_PRIORITY[priority], FUNCTION, unique, payload));
                        mine.add(new Sent(payload, unique, priority, -1));
                    }
                    if (c == 0) {
                        packets.add(Packet.request(PacketType.SUBMIT_JOB_EPOCH, LATER, "", EPOCH_2100, "epoch"));
                        mine.add(new Sent("epoch", "", 1, -1));
                    }
                    client.send(packets.toArray(Packet[]::new)); // pipelined: one write per connection
                    perConnection.add(mine);
                }
                for (int c = 0; c < CONNECTIONS; c++) {
                    for (Sent s : perConnection.get(c)) {
                        Packet created = clients.get(c).expectPacket(PacketType.JOB_CREATED);
                        sent.add(new Sent(s.payload(), s.unique(), s.priority(), handleNumber(created.fieldString(0))));
                    }
                }
            } finally {
                clients.forEach(RawConnection::close);
            }
        } finally {
            // At once, after the last JOB_CREATED: no clean shutdown, no checkpoint, no close of the file.
            assertThat(first.kill9()).as("killed by SIGKILL").isEqualTo(137);
            first.close();
        }

        List<Sent> expected = sent.stream().filter(s -> !s.payload().equals("epoch"))
                .sorted(Comparator.comparingInt(Sent::priority).thenComparingLong(Sent::handleNumber)).toList();
        Map<String, Sent> byPayload = new HashMap<>();
        sent.forEach(s -> byPayload.put(s.payload(), s));
        try (GeardProcess second = GeardProcess.start("-q", "libsqlite3", "--libsqlite3-db", file.toString())) {
            assertThat(second.output()).anySatisfy(line -> assertThat(line).contains(
                    (CONNECTIONS * JOBS_PER_CONNECTION + 1) + " background job(s) loaded in"));
            try (RawConnection admin = RawConnection.open(second); RawConnection worker = RawConnection.open(second)) {
                assertThat(admin.adminList("status")).contains(
                        FUNCTION + "\t" + CONNECTIONS * JOBS_PER_CONNECTION + "\t0\t0", LATER + "\t1\t0\t0");
                worker.send(PacketType.CAN_DO, FUNCTION);
                List<String> grabbed = new ArrayList<>();
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < expected.size(); i++) {
                    worker.send(PacketType.GRAB_JOB_UNIQ);
                    Packet assign = worker.expectPacket(PacketType.JOB_ASSIGN_UNIQ);
                    String payload = new String(assign.data(), StandardCharsets.UTF_8);
                    assertThat(seen.add(payload)).as("delivered twice: %s", payload).isTrue();
                    assertThat(byPayload).as("a job nobody submitted: %s", payload).containsKey(payload);
                    assertThat(assign.fieldString(2)).as("the client's unique of %s", payload)
                            .isEqualTo(byPayload.get(payload).unique());
                    grabbed.add(payload);
                    worker.send(PacketType.WORK_COMPLETE, assign.fieldString(0), "done");
                }
                worker.send(PacketType.GRAB_JOB_UNIQ);
                worker.expectPacket(PacketType.NO_JOB);
                assertThat(grabbed).as("HIGH, NORMAL, LOW; within each, the order the first geard created them")
                        .containsExactlyElementsOf(expected.stream().map(Sent::payload).toList());

                worker.send(PacketType.CAN_DO, LATER);
                worker.send(PacketType.GRAB_JOB_UNIQ);
                worker.expectPacket(PacketType.NO_JOB); // the epoch job is not due before 2100
                assertThat(admin.adminList("status")).contains(LATER + "\t1\t0\t1")
                        .noneMatch(line -> line.startsWith(FUNCTION + "\t") && !line.startsWith(FUNCTION + "\t0\t"));
            }
        }
        try (SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue")) {
            List<StoredJob> left = store.loadAll();
            assertThat(left).as("completed jobs' rows are gone; the epoch job's row keeps its when_to_run")
                    .singleElement().satisfies(row -> {
                        assertThat(row.functionText()).isEqualTo(LATER);
                        assertThat(row.whenToRun()).isEqualTo(Long.parseLong(EPOCH_2100));
                        assertThat(new String(row.data(), StandardCharsets.UTF_8)).isEqualTo("epoch");
                    });
        }
    }

    @Test
    void aFileGearmandWroteIsDrainedByGeardInOrder() throws Exception {
        assumeGeard();
        assumeGearmand();
        Path file = dir.resolve("gearmand.db");
        try (GearmandProcess gearmand = GearmandProcess.start("-q", "libsqlite3", "--libsqlite3-db=" + file);
             RawConnection client = RawConnection.open(gearmand)) {
            client.send(PacketType.SUBMIT_JOB_BG, FUNCTION, "n1", "normal 1");
            client.expectPacket(PacketType.JOB_CREATED);
            client.send(PacketType.SUBMIT_JOB_LOW_BG, FUNCTION, "l1", "low 1");
            client.expectPacket(PacketType.JOB_CREATED);
            client.send(PacketType.SUBMIT_JOB_HIGH_BG, FUNCTION, "h1", "high 1");
            client.expectPacket(PacketType.JOB_CREATED);
            client.send(PacketType.SUBMIT_JOB_EPOCH, LATER, "e1", EPOCH_2100, "epoch 2100");
            client.expectPacket(PacketType.JOB_CREATED);
            client.send(PacketType.SUBMIT_JOB_BG, FUNCTION, "n2", "normal 2");
            client.expectPacket(PacketType.JOB_CREATED);
            for (int i = 1; i <= 3; i++) {
                // gearmand's key (unique_key, function_name) keeps only the last of these in its file.
                client.send(PacketType.SUBMIT_JOB_BG, FUNCTION, "", "no unique " + i);
                client.expectPacket(PacketType.JOB_CREATED);
            }
            gearmand.halt();
        }
        try (GeardProcess geard = GeardProcess.start("-q", "libsqlite3", "--libsqlite3-db", file.toString());
             RawConnection worker = RawConnection.open(geard)) {
            assertThat(worker.adminList("status")).contains(FUNCTION + "\t5\t0\t0", LATER + "\t1\t0\t0");
            worker.send(PacketType.CAN_DO, FUNCTION);
            List<String> grabbed = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                worker.send(PacketType.GRAB_JOB_UNIQ);
                Packet assign = worker.expectPacket(PacketType.JOB_ASSIGN_UNIQ);
                grabbed.add(assign.fieldString(2) + "/" + new String(assign.data(), StandardCharsets.UTF_8));
                worker.send(PacketType.WORK_COMPLETE, assign.fieldString(0), "");
            }
            worker.send(PacketType.GRAB_JOB_UNIQ);
            worker.expectPacket(PacketType.NO_JOB);
            assertThat(grabbed).as("gearmand's rows in priority and rowid order; of the jobs without a unique,"
                    + " gearmand kept only the last (INSERT OR REPLACE under the empty unique)")
                    .containsExactly("h1/high 1", "n1/normal 1", "n2/normal 2", "/no unique 3", "l1/low 1");
        }
        try (SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue")) {
            assertThat(store.loadAll()).singleElement().satisfies(row -> {
                assertThat(row.uniqueKeyText()).isEqualTo("e1");
                assertThat(row.whenToRun()).isEqualTo(Long.parseLong(EPOCH_2100));
            });
        }
    }

    @Test
    void aFileGeardWroteBeforeKillNineIsDrainedByGearmand() throws Exception {
        assumeGeard();
        assumeGearmand();
        Path file = dir.resolve("geard.db");
        GeardProcess geard = GeardProcess.start("-q", "libsqlite3", "--libsqlite3-db", file.toString());
        try (RawConnection client = RawConnection.open(geard)) {
            client.send(Packet.request(PacketType.SUBMIT_JOB_BG, FUNCTION, "n1", "normal 1"),
                    Packet.request(PacketType.SUBMIT_JOB_BG, FUNCTION, "", "anonymous 1"),
                    Packet.request(PacketType.SUBMIT_JOB_LOW_BG, FUNCTION, "l1", "low 1"),
                    Packet.request(PacketType.SUBMIT_JOB_BG, FUNCTION, "", "anonymous 2"),
                    Packet.request(PacketType.SUBMIT_JOB_HIGH_BG, FUNCTION, "", "high anonymous"),
                    Packet.request(PacketType.SUBMIT_JOB_BG, FUNCTION, "", "anonymous 3"));
            for (int i = 0; i < 6; i++) {
                client.expectPacket(PacketType.JOB_CREATED);
            }
        } finally {
            assertThat(geard.kill9()).isEqualTo(137);
            geard.close();
        }
        List<String> grabbed = new ArrayList<>();
        try (GearmandProcess gearmand = GearmandProcess.start("-q", "libsqlite3", "--libsqlite3-db=" + file);
             RawConnection worker = RawConnection.open(gearmand)) {
            worker.send(PacketType.CAN_DO, FUNCTION);
            for (int i = 0; i < 6; i++) {
                worker.send(PacketType.GRAB_JOB_UNIQ);
                Packet assign = worker.expectPacket(PacketType.JOB_ASSIGN_UNIQ);
                String unique = assign.fieldString(2);
                grabbed.add((StoredKeys.isGenerated(unique.getBytes(StandardCharsets.UTF_8)) ? "(generated)" : unique)
                        + "/" + new String(assign.data(), StandardCharsets.UTF_8));
                worker.send(PacketType.WORK_COMPLETE, assign.fieldString(0), "");
            }
            worker.send(PacketType.GRAB_JOB_UNIQ);
            worker.expectPacket(PacketType.NO_JOB);
            gearmand.halt();
        }
        assertThat(grabbed).containsExactly("(generated)/high anonymous", "n1/normal 1", "(generated)/anonymous 1",
                "(generated)/anonymous 2", "(generated)/anonymous 3", "l1/low 1");
        try (SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue")) {
            assertThat(store.loadAll()).as("gearmand deleted each completed job's row").isEmpty();
        }
    }
}
