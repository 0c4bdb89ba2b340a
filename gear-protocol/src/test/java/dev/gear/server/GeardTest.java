package dev.gear.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.PacketType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
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
                "--keepalive-count", "--version", "daemon", "org.slf4j.simpleLogger"}) {
            assertThat(out()).contains(flag);
        }
        assertThat(err()).isEmpty();
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
