package dev.gear.internal.store;

import static dev.gear.internal.store.Jobs.job;
import static dev.gear.internal.store.Jobs.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gear.ConfigurationException;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.server.QueueStores;
import dev.gear.server.RawClient;
import dev.gear.server.Server;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server with a SQLite queue store, seen by its peers: what a client is told when its job's
 * row cannot be stored (a really full or read-only tmpfs), that nothing it was told about is lost,
 * that foreground work goes on meanwhile, and rows gearmand wrote are removed when their jobs end.
 */
class DurableServerTest {
    private static final String PAYLOAD = "x".repeat(16 * 1024);
    private static final String REFUSED = "Job could not be stored in the queue store, so it was not accepted: ";

    @TempDir
    Path dir;

    private static Server start(Path file) {
        return Server.builder().listenAddress("127.0.0.1").port(0).queueStore(QueueStores.sqlite(file)).build().start();
    }

    private static void assumeMount() {
        Optional<String> reason = SmallFilesystem.unavailableReason();
        assumeTrue(reason.isEmpty(), () -> "skipped: " + reason.orElse(""));
    }

    /** A foreground job served end to end: the server keeps doing this while its store fails. */
    private static void foregroundRoundTrip(RawClient client, RawClient worker, String payload) {
        String handle = client.submit(PacketType.SUBMIT_JOB, "fg", "", payload);
        Packet assign = worker.grab();
        assertThat(assign.fieldString(0)).isEqualTo(handle);
        worker.send(PacketType.WORK_COMPLETE, handle, "did " + payload);
        client.expect(PacketType.WORK_COMPLETE, handle, "did " + payload);
    }

    @Test
    void aRowGearmandStoredUnderTheEmptyUniqueIsRemovedWhenItsJobCompletes() throws Exception {
        Path file = dir.resolve("queue.db");
        try (SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue")) {
            // gearmand stores a job submitted without a unique under the empty unique_key.
            store.add(List.of(new StoredJob(new byte[0], utf8("fn"), StoredJob.NORMAL, utf8("from gearmand"), 0,
                    new byte[0]), job("fn", "u1", StoredJob.NORMAL, "with unique", 0)));
        }
        try (Server server = start(file); RawClient worker = RawClient.connect(server).canDo("fn")) {
            for (String expected : List.of("from gearmand", "with unique")) {
                Packet assign = worker.grab();
                assertThat(assign.fieldString(3)).isEqualTo(expected);
                worker.send(PacketType.WORK_COMPLETE, assign.fieldString(0), "");
            }
            worker.sync();
        }
        try (SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue")) {
            assertThat(store.loadAll()).as("both completed: no row left to run again").isEmpty();
        }
    }

    private static byte[] encoded(Packet... packets) {
        int length = 0;
        for (Packet p : packets) {
            length += p.encodedLength();
        }
        ByteBuffer bytes = ByteBuffer.allocate(length);
        for (Packet p : packets) {
            p.writeTo(bytes);
        }
        return bytes.array();
    }

    @Test
    void jobsWaitingForTheirRowCountAgainstMaxqueue() {
        try (Server server = start(dir.resolve("queue.db")); RawClient client = RawClient.connect(server)) {
            assertThat(client.admin("create function bg")).isEqualTo("OK\n");
            assertThat(client.admin("maxqueue bg 3")).isEqualTo("OK\n");
            Packet[] submits = new Packet[6];
            for (int i = 0; i < submits.length; i++) {
                submits[i] = Packet.request(PacketType.SUBMIT_JOB_BG, "bg", "", "job " + i);
            }
            // One write: all six are read before the first row is durable, so three are still STORING
            // when the fourth arrives; they must count, or the queue outgrows its maxqueue.
            client.sendBytes(encoded(submits));
            int created = 0;
            List<String> refusals = new ArrayList<>();
            for (int i = 0; i < submits.length; i++) {
                Packet reply = client.read();
                if (reply.type() == PacketType.JOB_CREATED) {
                    created++;
                } else {
                    assertThat(reply.type()).as("reply %s", reply).isEqualTo(PacketType.ERROR);
                    refusals.add(reply.fieldString(0) + ": " + reply.fieldString(1));
                }
            }
            assertThat(created).isEqualTo(3);
            assertThat(refusals).hasSize(3)
                    .allMatch(r -> r.equals("QUEUE_ERROR: Job queue is full: bg holds 3 NORMAL jobs, its maxqueue"));
            assertThat(client.adminList("status")).contains("bg\t3\t0\t0");
        }
    }

    @Test
    void repliesOnAConnectionKeepTheOrderOfItsRequestsWhileBackgroundRowsAreStored() {
        try (Server server = start(dir.resolve("queue.db")); RawClient client = RawClient.connect(server)) {
            assertThat(client.admin("create function full")).isEqualTo("OK\n");
            assertThat(client.admin("maxqueue full 1")).isEqualTo("OK\n");
            client.submit(PacketType.SUBMIT_JOB_BG, "full", "", "fills it");
            client.submit(PacketType.SUBMIT_JOB_BG, "bg", "known", "stored first");
            // Gearman replies carry no request id: clients match them to requests by order. The
            // answers to the foreground submit, the refused submit, the coalesced submit and the
            // ECHO are ready at once, the background JOB_CREATEDs only once their rows are durable;
            // they must still come in request order.
            client.sendBytes(encoded(
                    Packet.request(PacketType.SUBMIT_JOB_BG, "bg", "", "durable 1"),
                    Packet.request(PacketType.SUBMIT_JOB, "fg", "", "foreground"),
                    Packet.request(PacketType.SUBMIT_JOB_BG, "bg", "", "durable 2"),
                    Packet.request(PacketType.SUBMIT_JOB_BG, "full", "", "refused"),
                    Packet.request(PacketType.SUBMIT_JOB_BG, "bg", "known", "coalesced"),
                    Packet.request(PacketType.ECHO_REQ, "ping".getBytes(StandardCharsets.UTF_8)),
                    Packet.request(PacketType.SUBMIT_JOB_BG, "bg", "", "durable 3")));
            List<String> replies = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                Packet reply = client.read();
                replies.add(reply.type() + (reply.type() == PacketType.ERROR ? " " + reply.fieldString(0) : ""));
            }
            assertThat(replies).containsExactly("JOB_CREATED", "JOB_CREATED", "JOB_CREATED", "ERROR QUEUE_ERROR",
                    "JOB_CREATED", "ECHO_RES", "JOB_CREATED");
        }
        try (SqliteQueueStore store = SqliteQueueStore.open(dir.resolve("queue.db"), "gearman_queue")) {
            assertThat(store.loadAll()).extracting(j -> new String(j.data(), StandardCharsets.UTF_8))
                    .containsExactly("fills it", "stored first", "durable 1", "durable 2", "durable 3");
        }
    }

    @Test
    void theForegroundJobSubmittedAfterADurableOneGetsItsHandleBeforeItsResult() {
        try (Server server = start(dir.resolve("queue.db")); RawClient client = RawClient.connect(server);
             RawClient worker = RawClient.connect(server).canDo("fg")) {
            worker.send(Packet.request(PacketType.PRE_SLEEP));
            worker.sync(); // asleep: the foreground submit wakes it
            client.sendBytes(encoded(Packet.request(PacketType.SUBMIT_JOB_BG, "bg", "", "durable"),
                    Packet.request(PacketType.SUBMIT_JOB, "fg", "", "foreground")));
            worker.expect(PacketType.NOOP);
            Packet assign = worker.grab();
            worker.send(PacketType.WORK_COMPLETE, assign.fieldString(0), "result");
            worker.sync();
            Packet first = client.expect(PacketType.JOB_CREATED);
            Packet second = client.expect(PacketType.JOB_CREATED);
            assertThat(second.fieldString(0)).as("the foreground job's handle, second").isEqualTo(assign.fieldString(0));
            assertThat(first.fieldString(0)).isNotEqualTo(assign.fieldString(0));
            client.expect(PacketType.WORK_COMPLETE, assign.fieldString(0), "result");
        }
    }

    @Test
    void aFunctionWithAJobWaitingForItsRowCannotBeDropped() {
        try (Server server = start(dir.resolve("queue.db")); RawClient client = RawClient.connect(server)) {
            // In one read: the job is STORING when the admin command comes, so its function is in use.
            byte[] submit = encoded(Packet.request(PacketType.SUBMIT_JOB_BG, "bg", "", "kept"));
            byte[] drop = "drop function bg\n".getBytes(StandardCharsets.UTF_8);
            byte[] both = new byte[submit.length + drop.length];
            System.arraycopy(submit, 0, both, 0, submit.length);
            System.arraycopy(drop, 0, both, submit.length, drop.length);
            client.sendBytes(both);
            String handle = client.expect(PacketType.JOB_CREATED).fieldString(0); // first: the request order
            assertThat(client.readLine()).isEqualTo("ERR there are still connected workers or executing clients\n");
            try (RawClient worker = RawClient.connect(server).canDo("bg")) {
                Packet assign = worker.grab();
                assertThat(assign.fieldString(0)).as("the acknowledged job is served, not orphaned").isEqualTo(handle);
            }
        }
    }

    @Test
    void aFullDiskRefusesTheSubmissionWithQueueErrorKeepsEveryAcknowledgedJobAndServesForegroundJobs()
            throws Exception {
        assumeMount();
        try (SmallFilesystem fs = SmallFilesystem.mount(512)) {
            Path file = fs.path().resolve("queue.db");
            List<String> acknowledged = new ArrayList<>();
            try (Server server = start(file); RawClient client = RawClient.connect(server);
                 RawClient worker = RawClient.connect(server).canDo("fg")) {
                String refusal = null;
                for (int i = 0; i < 200 && refusal == null; i++) {
                    client.send(Packet.request(PacketType.SUBMIT_JOB_BG, "bg", "", i + PAYLOAD));
                    Packet reply = client.read();
                    if (reply.type() == PacketType.JOB_CREATED) {
                        acknowledged.add(i + PAYLOAD);
                    } else {
                        assertThat(reply.type()).as("reply %s", reply).isEqualTo(PacketType.ERROR);
                        assertThat(reply.fieldString(0)).isEqualTo("QUEUE_ERROR");
                        refusal = reply.fieldString(1);
                    }
                    if (i % 10 == 0) {
                        foregroundRoundTrip(client, worker, "while filling " + i);
                    }
                }
                assertThat(refusal).as("512 KiB must fill up with 200 x 16 KiB").isNotNull()
                        .startsWith(REFUSED + "Cannot commit 1 change(s) to sqlite " + file + " table gearman_queue: ")
                        .containsIgnoringCase("full");
                assertThat(acknowledged).isNotEmpty();
                assertThat(client.adminList("status")).as("the refused job is not queued")
                        .contains("bg\t" + acknowledged.size() + "\t0\t0");
                foregroundRoundTrip(client, worker, "with the disk full");
                fs.resize(8 * 1024);
                client.submit(PacketType.SUBMIT_JOB_BG, "bg", "", "after room");
                acknowledged.add("after room");
            }
            try (SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue")) {
                assertThat(store.loadAll()).extracting(j -> new String(j.data(), StandardCharsets.UTF_8))
                        .containsExactlyElementsOf(acknowledged);
            }
        }
    }

    @Test
    void aSecondBackgroundSubmitJoiningAForegroundJobWaitsForTheSameRowAndFailsWithIt() throws Exception {
        assumeMount();
        try (SmallFilesystem fs = SmallFilesystem.mount(512)) {
            Path file = fs.path().resolve("queue.db");
            try (Server server = start(file); RawClient filler = RawClient.connect(server);
                 RawClient foreground = RawClient.connect(server); RawClient background = RawClient.connect(server)) {
                boolean full = false;
                for (int i = 0; i < 200 && !full; i++) {
                    filler.send(Packet.request(PacketType.SUBMIT_JOB_BG, "fill", "", i + PAYLOAD));
                    full = filler.read().type() == PacketType.ERROR;
                }
                assertThat(full).as("512 KiB must fill up with 200 x 16 KiB").isTrue();
                foreground.submit(PacketType.SUBMIT_JOB, "fn", "k", PAYLOAD); // no worker: it waits, unstored
                // Both join the foreground job; the first writes its row (which the full disk refuses),
                // the second must wait for that same row instead of being acknowledged at once.
                background.sendBytes(encoded(Packet.request(PacketType.SUBMIT_JOB_BG, "fn", "k", "joins"),
                        Packet.request(PacketType.SUBMIT_JOB_BG, "fn", "k", "joins too")));
                background.expectError("QUEUE_ERROR", REFUSED);
                background.expectError("QUEUE_ERROR", REFUSED);
            }
        }
    }

    @Test
    void aReadOnlyFileIsRefusedWithItsReasonAndLosesNothingAcknowledged() throws Exception {
        assumeMount();
        try (SmallFilesystem fs = SmallFilesystem.mount(4 * 1024)) {
            Path file = fs.path().resolve("queue.db");
            try (Server server = start(file); RawClient client = RawClient.connect(server)) {
                client.submit(PacketType.SUBMIT_JOB_HIGH_BG, "bg", "a", "1");
                client.submit(PacketType.SUBMIT_JOB_LOW_BG, "bg", "", "2");
            }
            fs.readOnly();
            try {
                // Linux refuses a read-only remount under an open writer, so the file is read-only
                // from the start: SQLite cannot open its WAL, and the server says so before it
                // accepts anyone (a running server whose file failed would answer QUEUE_ERROR, as
                // for the full disk above).
                Throwable refused = catchThrowable(() -> start(file).close());
                assertThat(refused).isInstanceOf(ConfigurationException.class)
                        .hasMessageStartingWith("cannot use the queue store ")
                        .hasMessageContaining(file.toString());
                assertThat(refused.getMessage()).containsAnyOf("read-only", "readonly");
            } finally {
                fs.readWrite();
            }
            try (SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue")) {
                assertThat(store.loadAll()).extracting(j -> new String(j.data(), StandardCharsets.UTF_8))
                        .containsExactly("1", "2");
            }
        }
    }
}
