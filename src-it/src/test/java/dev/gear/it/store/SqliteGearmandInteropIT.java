package dev.gear.it.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.store.GroupCommitWriter;
import dev.gear.internal.store.SqliteQueueStore;
import dev.gear.internal.store.StoredJob;
import dev.gear.internal.store.StoredKeys;
import dev.gear.it.support.GearmandProcess;
import dev.gear.it.support.RawConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite queue file shared with the real gearmand ({@code -q libsqlite3}): a file gearmand
 * wrote is read by our store, and a file our group-commit writer left behind as a crash would
 * (never closed) is replayed, served and emptied by gearmand.
 */
class SqliteGearmandInteropIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void needsGearmand() {
        Optional<String> reason = GearmandProcess.unavailableReason();
        assumeTrue(reason.isEmpty(), () -> "skipped: " + reason.orElse(""));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aFileGearmandWroteIsReadWithPrioritiesEpochsAndOrder() throws Exception {
        Path file = dir.resolve("gearmand.db");
        try (GearmandProcess gearmand = GearmandProcess.start("-q", "libsqlite3", "--libsqlite3-db=" + file);
             RawConnection client = RawConnection.open(gearmand)) {
            client.send(PacketType.SUBMIT_JOB_BG, "fn", "n1", "normal 1");
            client.expectPacket(PacketType.JOB_CREATED);
            client.send(PacketType.SUBMIT_JOB_LOW_BG, "fn", "l1", "low 1");
            client.expectPacket(PacketType.JOB_CREATED);
            client.send(PacketType.SUBMIT_JOB_HIGH_BG, "fn", "h1", "high 1");
            client.expectPacket(PacketType.JOB_CREATED);
            client.send(PacketType.SUBMIT_JOB_EPOCH, "fn", "e1", "4102444800", "epoch 2100");
            client.expectPacket(PacketType.JOB_CREATED);
            client.send(PacketType.SUBMIT_JOB_BG, "fn", "n2", "normal 2");
            client.expectPacket(PacketType.JOB_CREATED);
            client.send(PacketType.SUBMIT_JOB_HIGH_BG, "other", "h2", "high 2");
            client.expectPacket(PacketType.JOB_CREATED);
            gearmand.halt();
        }
        try (SqliteQueueStore store = SqliteQueueStore.open(file, "gearman_queue")) {
            List<String> rows = store.loadAll().stream()
                    .map(j -> j.functionText() + "/" + j.uniqueKeyText() + "/" + j.priority() + "/"
                            + new String(j.data(), StandardCharsets.UTF_8) + "/" + j.whenToRun()
                            + "/" + new String(j.clientUnique(), StandardCharsets.UTF_8))
                    .toList();
            assertThat(rows).containsExactly(
                    "fn/h1/0/high 1/0/h1",
                    "other/h2/0/high 2/0/h2",
                    "fn/n1/1/normal 1/0/n1",
                    "fn/e1/1/epoch 2100/4102444800/e1",
                    "fn/n2/1/normal 2/0/n2",
                    "fn/l1/2/low 1/0/l1");
        }
    }

    @Test
    void aFileOurWriterLeftAsAKillWouldIsReplayedServedAndEmptiedByGearmand() throws Exception {
        Path file = dir.resolve("ours.db");
        StoredKeys keys = new StoredKeys();
        List<StoredJob> jobs = new ArrayList<>();
        jobs.add(keys.job(utf8("fn"), utf8("n1"), StoredJob.NORMAL, utf8("normal 1"), 0));
        jobs.add(keys.job(utf8("fn"), new byte[0], StoredJob.NORMAL, utf8("anonymous 1"), 0));
        jobs.add(keys.job(utf8("fn"), new byte[0], StoredJob.NORMAL, utf8("anonymous 2"), 0));
        jobs.add(keys.job(utf8("fn"), utf8("l1"), StoredJob.LOW, utf8("low 1"), 0));
        jobs.add(keys.job(utf8("fn"), utf8("h1"), StoredJob.HIGH, utf8("high 1"), 0));
        jobs.add(keys.job(utf8("fn"), new byte[0], StoredJob.NORMAL, new byte[0], 0));
        Path crash = Files.createDirectory(dir.resolve("crash"));
        GroupCommitWriter writer = new GroupCommitWriter(SqliteQueueStore.open(file, "gearman_queue"), "it-writer");
        try {
            writer.add(jobs.subList(0, 3)).get(30, TimeUnit.SECONDS);
            writer.add(jobs.subList(3, 6)).get(30, TimeUnit.SECONDS);
            // What is on disk now, with the database never closed or checkpointed, is what kill -9 leaves.
            Files.copy(file, crash.resolve("ours.db"));
            Files.copy(dir.resolve("ours.db-wal"), crash.resolve("ours.db-wal"));
        } finally {
            writer.close();
        }
        Path image = crash.resolve("ours.db");
        List<String> grabbed = new ArrayList<>();
        try (GearmandProcess gearmand = GearmandProcess.start("-q", "libsqlite3", "--libsqlite3-db=" + image);
             RawConnection worker = RawConnection.open(gearmand)) {
            worker.send(PacketType.CAN_DO, "fn");
            for (int i = 0; i < jobs.size(); i++) {
                worker.send(PacketType.GRAB_JOB_UNIQ);
                Packet assign = worker.expectPacket(PacketType.JOB_ASSIGN_UNIQ);
                String unique = assign.fieldString(2);
                grabbed.add((StoredKeys.isGenerated(utf8(unique)) ? "(generated)" : unique) + "/"
                        + new String(assign.data(), StandardCharsets.UTF_8));
                worker.send(PacketType.WORK_COMPLETE, assign.fieldString(0), "");
            }
            worker.send(PacketType.GRAB_JOB_UNIQ);
            worker.expectPacket(PacketType.NO_JOB);
            worker.assertNoReplyPending();
            gearmand.halt();
        }
        // HIGH first, then FIFO within NORMAL: gearmand replays in rowid order, as we load.
        assertThat(grabbed).containsExactly("h1/high 1", "n1/normal 1", "(generated)/anonymous 1",
                "(generated)/anonymous 2", "(generated)/", "l1/low 1");
        try (SqliteQueueStore store = SqliteQueueStore.open(image, "gearman_queue")) {
            assertThat(store.loadAll()).as("gearmand deleted each completed job's row").isEmpty();
        }
    }
}
