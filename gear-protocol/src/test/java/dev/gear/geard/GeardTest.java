package dev.gear.geard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.transport.ConnectionLimits;
import dev.gear.internal.transport.TlsSettings;
import dev.gear.server.RawClient;
import dev.gear.server.Server;
import dev.gear.server.ServerDefaults;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GeardTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Geard.Invocation run(String... args) {
        return Geard.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsEveryFlag() {
        assertThat(run("--help").exitCode()).isZero();
        assertThat(out()).startsWith("usage: geard [-h] [-d] [-p PORT]");
        for (String flag : new String[] {"-d ", "-p PORT", "--listen-address", "--log-config", "--pidfile", "--ssl-ca",
                "--ssl-cert", "--ssl-key", "--acl", "--keepalive ", "--keepalive-idle", "--keepalive-interval",
                "--keepalive-count", "--version", "daemon", "org.slf4j.simpleLogger", "--max-connections N",
                "--max-packet-size SIZE", "--max-admin-line-length SIZE", "--max-queued-output SIZE",
                "--max-unique-length SIZE", "--incomplete-frame-timeout DURATION", "--ssl-handshake-timeout DURATION",
                "-b N, --backlog N", "SIZE is a whole number of bytes", "DURATION is a whole number"}) {
            assertThat(out()).contains(flag);
        }
        assertThat(err()).isEmpty();
    }

    @Test
    void helpShowsTheServersDefaultsForTheLimits() {
        run("--help");
        String help = out().replaceAll("\\s+", " ");
        assertThat(help)
                .contains("(default " + ServerDefaults.MAX_CONNECTIONS + "; 0: no limit)")
                .contains("the connection is closed (default " + (ConnectionLimits.DEFAULTS.maxPacketSize() >> 20) + "M)")
                .contains("admin text line accepted (default " + (ConnectionLimits.DEFAULTS.maxLineLength() >> 10) + "K;")
                .contains("slow reader (default " + (ConnectionLimits.DEFAULTS.maxQueuedOutput() >> 20) + "M;")
                .contains("(default " + ServerDefaults.INCOMPLETE_FRAME_TIMEOUT.toSeconds() + "s; 0: no limit)")
                .contains("(default " + TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT.toSeconds() + "s; needs the three");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--max-connections -1|argument --max-connections: expected an integer from 0 to 2147483647, got '-1'",
        "--max-connections many|argument --max-connections: expected an integer from 0 to 2147483647, got 'many'",
        "--max-connections|argument --max-connections: expected one argument",
        "--max-packet-size 64MB|argument --max-packet-size: unknown unit 'MB' in '64MB'; sizes take K, M or G",
        "--max-packet-size=-1|argument --max-packet-size: must not be negative, got '-1'",
        "--max-packet-size huge|argument --max-packet-size: expected a size in bytes such as 65536, 64K or 64M,"
                + " got 'huge'",
        "--max-packet-size 2G|argument --max-packet-size: expected a size from 0 to 2147483631 bytes, got '2G'"
                + " (2147483648 bytes)",
        "--max-admin-line-length 15|argument --max-admin-line-length: expected a size from 16 to 2147483647 bytes,"
                + " got '15'",
        "--max-admin-line-length 2G|argument --max-admin-line-length: expected a size from 16 to 2147483647 bytes",
        "--max-queued-output 1000|argument --max-queued-output: expected a size of at least 1024 bytes (1K),"
                + " got '1000'",
        "--max-queued-output 1KB|argument --max-queued-output: unknown unit 'KB' in '1KB'",
        "--max-unique-length -64|argument --max-unique-length: must not be negative, got '-64'",
        "--incomplete-frame-timeout 5x|argument --incomplete-frame-timeout: unknown unit 'x' in '5x'; durations take"
                + " ms, s, m or h (seconds when there is none)",
        "--incomplete-frame-timeout -1|argument --incomplete-frame-timeout: must not be negative, got '-1'",
        "--incomplete-frame-timeout later|argument --incomplete-frame-timeout: expected a duration such as 500ms, 30s,"
                + " 5m or 1h (seconds when no unit is given), got 'later'",
        "--ssl-handshake-timeout 0|argument --ssl-handshake-timeout: must be positive, got '0'",
        "--ssl-handshake-timeout=-2s|argument --ssl-handshake-timeout: must not be negative, got '-2s'",
        "--backlog 0|argument --backlog: expected an integer from 1 to 2147483647, got '0'",
        "-b x|argument -b: expected an integer from 1 to 2147483647, got 'x'",
        "-b-3|argument -b: expected an integer from 1 to 2147483647, got '-3'"})
    void badLimitValuesAreUsageErrorsThatSayWhatIsWrong(String args, String message) {
        Geard.Invocation i = run(concat(new String[] {"-d", "-p", "0"}, args.split(" ")));
        assertThat(i.exitCode()).isEqualTo(2);
        assertThat(i.server()).isEmpty();
        assertThat(err()).startsWith("usage: geard").contains("geard: error: " + message);
    }

    @Test
    void aHandshakeTimeoutWithoutTlsIsRefusedNotIgnored() {
        Geard.Invocation i = run("-d", "-p", "0", "--ssl-handshake-timeout", "5s");
        assertThat(i.exitCode()).isEqualTo(2);
        assertThat(err()).contains("geard: error: --ssl-handshake-timeout needs TLS (--ssl-key, --ssl-cert and"
                + " --ssl-ca)");
    }

    @Test
    void everyLimitFlagsSmallestValueIsOneTheServerTakes() {
        try (Geard.Invocation i = run("-d", "-p", "0", "--listen-address", "127.0.0.1", "--max-connections", "0",
                "--max-packet-size", "0", "--max-admin-line-length", "16", "--max-queued-output", "1K",
                "--max-unique-length", "0", "--incomplete-frame-timeout", "0", "-b", "1")) {
            assertThat(i.exitCode()).as(err()).isZero();
            Server server = i.server().orElseThrow();
            try (RawClient c = RawClient.connect(server)) {
                c.send(PacketType.ECHO_REQ, "").expect(PacketType.ECHO_RES, ""); // an empty body fits a 0 limit
            }
        }
    }

    @Test
    void maxConnectionsRefusesTheConnectionBeyondIt() {
        try (Geard.Invocation i = run("-d", "-p", "0", "--listen-address", "127.0.0.1", "--max-connections", "1")) {
            assertThat(i.exitCode()).as(err()).isZero();
            Server server = i.server().orElseThrow();
            try (RawClient first = RawClient.connect(server); RawClient second = RawClient.connect(server)) {
                first.send(PacketType.ECHO_REQ, "one").expect(PacketType.ECHO_RES, "one");
                second.expectClosed();
                first.send(PacketType.ECHO_REQ, "still").expect(PacketType.ECHO_RES, "still");
            }
        }
    }

    @Test
    void sizeFlagsBoundPacketsLinesAndUniques() {
        try (Geard.Invocation i = run("-d", "-p", "0", "--listen-address", "127.0.0.1", "--max-packet-size", "1K",
                "--max-admin-line-length=32", "--max-unique-length", "4", "--backlog", "16")) {
            assertThat(i.exitCode()).as(err()).isZero();
            Server server = i.server().orElseThrow();
            try (RawClient c = RawClient.connect(server)) {
                String oneK = "x".repeat(1024);
                c.send(PacketType.ECHO_REQ, oneK).expect(PacketType.ECHO_RES, oneK);
                c.send(PacketType.SUBMIT_JOB_BG, "f", "12345", "data");
                c.expectError("ARGUMENT_TOO_LARGE", "Unique value too large: 5 bytes, the limit is 4");
                c.send(Packet.request(PacketType.ECHO_REQ, new byte[1025]));
                c.expectError("ARGUMENT_TOO_LARGE", "declares a 1025-byte body; the limit is 1024 bytes");
                c.expectClosed();
            }
            try (RawClient c = RawClient.connect(server)) {
                assertThat(c.admin("status" + " ".repeat(40))).startsWith("ERR LINE_TOO_LONG");
                c.expectClosed();
            }
        }
    }

    @Test
    void maxQueuedOutputDisconnectsAClientGivenMoreThanThatAtOnce() {
        try (Geard.Invocation i = run("-d", "-p", "0", "--listen-address", "127.0.0.1", "--max-queued-output", "1K")) {
            assertThat(i.exitCode()).as(err()).isZero();
            Server server = i.server().orElseThrow();
            try (RawClient client = RawClient.connect(server); RawClient worker = RawClient.connect(server)) {
                String handle = client.submit(PacketType.SUBMIT_JOB, "f", "u", "x");
                worker.canDo("f");
                assertThat(worker.grab().fieldString(0)).isEqualTo(handle);
                worker.send(PacketType.WORK_DATA, handle, "y".repeat(4096)); // 4 KiB for the client at once
                client.expectClosed();
                worker.send(PacketType.ECHO_REQ, "worker fine").expect(PacketType.ECHO_RES, "worker fine");
            }
        }
    }

    @Test
    void incompleteFrameTimeoutClosesAStalledPeerLongBeforeTheDefault() {
        // The default (60 s) is far beyond the client's 5 s read timeout: only the flag closes it in time.
        try (Geard.Invocation i = run("-d", "-p", "0", "--listen-address", "127.0.0.1", "--incomplete-frame-timeout",
                "200ms")) {
            assertThat(i.exitCode()).as(err()).isZero();
            Server server = i.server().orElseThrow();
            try (RawClient idle = RawClient.connect(server); RawClient stalled = RawClient.connect(server)) {
                stalled.sendBytes(Arrays.copyOf(Packet.request(PacketType.ECHO_REQ, "x").toBinary(), 5));
                stalled.expectClosed();
                idle.send(PacketType.ECHO_REQ, "idle is fine").expect(PacketType.ECHO_RES, "idle is fine");
            }
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void versionInGearsFormat() {
        Geard.Invocation i = run("--version");
        assertThat(i.exitCode()).isZero();
        assertThat(i.server()).isEmpty();
        assertThat(out()).isEqualTo("Gear version: " + Server.version() + System.lineSeparator());
    }

    @Test
    void parseErrorsPrintUsageAndExitWithTwo() {
        assertThat(run("-d", "--bogus").exitCode()).isEqualTo(2);
        assertThat(err()).startsWith("usage: geard").contains("geard: error: unrecognized argument: --bogus");
        err.reset();
        assertThat(run("-d", "-p").exitCode()).isEqualTo(2);
        assertThat(err()).contains("geard: error: argument -p: expected one argument");
        err.reset();
        assertThat(run("-d", "-p", "http").exitCode()).isEqualTo(2);
        assertThat(err()).contains("argument -p: expected an integer from 0 to 65535, got 'http'");
        err.reset();
        assertThat(run("-d", "--keepalive-count=0").exitCode()).isEqualTo(2);
        assertThat(err()).contains("argument --keepalive-count: expected an integer from 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--ssl-ca", "--ssl-cert", "--ssl-key"})
    void partialTlsOptionsAreRefusedNotIgnored(String flag) {
        Geard.Invocation i = run("-d", "-p", "0", flag, "/some/file");
        assertThat(i.exitCode()).isEqualTo(2);
        assertThat(i.server()).isEmpty();
        assertThat(err()).contains("geard: error: --ssl-key, --ssl-cert and --ssl-ca must be given together");
    }

    @Test
    void missingAclFileIsAnErrorNotDenyAll() {
        Geard.Invocation i = run("-d", "-p", "0", "--acl", "/no/such/acl.ini");
        assertThat(i.exitCode()).isEqualTo(1);
        assertThat(i.server()).isEmpty();
        assertThat(err()).contains("geard: error: cannot read the ACL file /no/such/acl.ini");
    }

    @Test
    void unreadableTlsFilesAreNamed() {
        Geard.Invocation i = run("-d", "-p", "0", "--ssl-key", "/no/key.pem", "--ssl-cert", "/no/cert.pem",
                "--ssl-ca", "/no/ca.pem");
        assertThat(i.exitCode()).isEqualTo(1);
        assertThat(err()).contains("geard: error: cannot read the certificate file /no/cert.pem");
    }

    @Test
    void withoutDashDItRefusesToPretendToDaemonize() {
        assertThat(run("-p", "0").exitCode()).isEqualTo(2);
        assertThat(err()).contains("daemon mode is not supported on the JVM; run 'geard -d'");
    }

    @Test
    void missingOrForeignLogConfigIsAnError(@TempDir Path dir) throws IOException {
        assertThat(run("-d", "--log-config", dir.resolve("nope.properties").toString()).exitCode()).isEqualTo(2);
        assertThat(err()).contains("cannot read --log-config");
        Path python = dir.resolve("logging.conf");
        Files.writeString(python, "[loggers]\nkeys=root\n");
        err.reset();
        assertThat(run("-d", "--log-config", python.toString()).exitCode()).isEqualTo(2);
        assertThat(err()).contains("only slf4j-simple settings (org.slf4j.simpleLogger.*) are understood");
    }

    @Test
    void startsOnPortZeroWritesAndRemovesThePidfile(@TempDir Path dir) throws IOException {
        Path pidfile = dir.resolve("geard.pid");
        try (Geard.Invocation i = run("-d", "-p", "0", "--listen-address", "127.0.0.1", "--pidfile",
                pidfile.toString(), "--keepalive", "--keepalive-idle", "60", "--keepalive-interval=10",
                "--keepalive-count", "3")) {
            assertThat(i.exitCode()).isZero();
            Server server = i.server().orElseThrow();
            assertThat(Files.readString(pidfile)).isEqualTo(ProcessHandle.current().pid() + "\n");
            try (RawClient c = RawClient.connect(server)) {
                c.send(PacketType.ECHO_REQ, "hi").expect(PacketType.ECHO_RES, "hi");
            }
        }
        assertThat(pidfile).doesNotExist();
    }

    @Test
    void aBusyPortIsReportedWithExitOne() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            Geard.Invocation i = run("-d", "-p", Integer.toString(taken.getLocalPort()), "--listen-address",
                    "127.0.0.1");
            assertThat(i.exitCode()).isEqualTo(1);
            assertThat(err()).contains("geard: error: cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
