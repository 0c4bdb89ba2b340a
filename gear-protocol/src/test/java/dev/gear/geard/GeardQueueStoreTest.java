package dev.gear.geard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.server.RawClient;
import dev.gear.server.Server;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** geard's gearmand-style queue flags ({@code -q libsqlite3 --libsqlite3-db FILE}) and {@code --allow-admin-shutdown}. */
class GeardQueueStoreTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Geard.Invocation run(String... args) {
        return Geard.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-q libsqlite3|-q libsqlite3 needs --libsqlite3-db FILE",
        "-q Postgres|-q Postgres needs --libpq-conninfo INFO",
        "-q redis|argument -q: invalid choice: 'redis' (choose from 'libsqlite3', 'Postgres'; gearmand's other"
                + " queues are not supported)",
        "--libsqlite3-db q.db|--libsqlite3-db/--libsqlite3-table need -q libsqlite3",
        "--libpq-conninfo host=x|--libpq-conninfo/--libpq-table need -q Postgres",
        "-q libsqlite3 --libsqlite3-db q.db --libpq-table t|--libpq-conninfo/--libpq-table belong to -q Postgres,"
                + " not -q libsqlite3"})
    void queueFlagsThatDoNotFitTogetherAreUsageErrors(String args, String message) {
        List<String> all = new ArrayList<>(List.of("-d", "-p", "0"));
        all.addAll(List.of(args.split(" ")));
        Geard.Invocation i = run(all.toArray(String[]::new));
        assertThat(i.exitCode()).isEqualTo(2);
        assertThat(i.server()).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("usage: geard").endsWith("geard: error: " + message
                + System.lineSeparator());
    }

    @Test
    void helpNamesTheQueueAndShutdownFlags() {
        assertThat(run("--help").exitCode()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("-q TYPE, --queue-type TYPE", "--libsqlite3-db FILE",
                "--libsqlite3-table NAME", "(default gearman_queue)", "--libpq-conninfo INFO", "(default queue)",
                "--allow-admin-shutdown");
    }

    @Test
    void backgroundJobsSurviveARestartOnTheSameSqliteFileNoneCollapsedNoneTwice(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("queue.db");
        Set<String> payloads = new HashSet<>();
        try (Geard.Invocation first = run("-d", "-p", "0", "--listen-address", "127.0.0.1", "-q", "libsqlite3",
                "--libsqlite3-db", db.toString())) {
            Server server = first.server().orElseThrow(() -> new AssertionError(err.toString(StandardCharsets.UTF_8)));
            try (RawClient client = RawClient.connect(server)) {
                for (int i = 0; i < 300; i++) {
                    // No unique: gearmand's SQLite queue keeps one of these; every one must come back.
                    client.submit(i % 3 == 0 ? PacketType.SUBMIT_JOB_HIGH_BG : PacketType.SUBMIT_JOB_BG, "resize", "",
                            "image-" + i);
                    payloads.add("image-" + i);
                }
                client.submit(PacketType.SUBMIT_JOB_LOW_BG, "resize", "once", "with a unique");
                payloads.add("with a unique");
            }
        }
        try (Geard.Invocation second = run("-d", "-p", "0", "--listen-address", "127.0.0.1", "-q", "libsqlite3",
                "--libsqlite3-db", db.toString())) {
            Server server = second.server().orElseThrow();
            try (RawClient worker = RawClient.connect(server).canDo("resize")) {
                assertThat(worker.adminList("status")).contains("resize\t301\t0\t1");
                Set<String> seen = new HashSet<>();
                List<String> order = new ArrayList<>();
                for (int i = 0; i < 301; i++) {
                    Packet assign = worker.grab();
                    String payload = assign.fieldString(3);
                    assertThat(seen.add(payload)).as("delivered twice: " + payload).isTrue();
                    order.add(payload);
                    assertThat(assign.fieldString(2)).isEqualTo(payload.equals("with a unique") ? "once" : "");
                    worker.send(PacketType.WORK_COMPLETE, assign.fieldString(0), "done");
                }
                assertThat(seen).isEqualTo(payloads);
                assertThat(order.get(0)).as("HIGH first, in submission order").isEqualTo("image-0");
                assertThat(order.get(100)).isEqualTo("image-1");
                assertThat(order.get(300)).as("LOW last").isEqualTo("with a unique");
                worker.sync(); // the completions are in
            }
        }
        try (Geard.Invocation third = run("-d", "-p", "0", "--listen-address", "127.0.0.1", "-q", "libsqlite3",
                "--libsqlite3-db", db.toString())) {
            try (RawClient admin = RawClient.connect(third.server().orElseThrow())) {
                assertThat(admin.adminList("status")).as("completed jobs left the store").doesNotContain("resize\t");
            }
        }
    }

    @Test
    void allowAdminShutdownLetsTheShutdownCommandStopGeard() throws Exception {
        try (Geard.Invocation refusing = run("-d", "-p", "0", "--listen-address", "127.0.0.1");
                RawClient admin = RawClient.connect(refusing.server().orElseThrow())) {
            assertThat(admin.admin("shutdown")).startsWith("ERR SHUTDOWN_DISABLED ");
            assertThat(refusing.server().orElseThrow().isRunning()).isTrue();
        }
        try (Geard.Invocation allowing = run("-d", "-p", "0", "--listen-address", "127.0.0.1",
                "--allow-admin-shutdown"); RawClient admin = RawClient.connect(allowing.server().orElseThrow())) {
            assertThat(admin.admin("shutdown")).isEqualTo("OK\n");
            allowing.server().orElseThrow().terminated().get(10, TimeUnit.SECONDS);
        }
    }
}
