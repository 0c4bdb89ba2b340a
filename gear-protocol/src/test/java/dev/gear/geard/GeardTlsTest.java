package dev.gear.geard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Client;
import dev.gear.GearmanErrorException;
import dev.gear.Job;
import dev.gear.Worker;
import dev.gear.WorkerJob;
import dev.gear.server.ConnectionSnapshot;
import dev.gear.server.RawClient;
import dev.gear.server.Server;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** geard with openssl-made PEM files and an ACL file, serving a TLS client and worker (PEM paths too). */
class GeardTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void geardServesTlsClientAndWorkerUnderAnAcl() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "30", "-subj", "/CN=geard test CA");
        for (String cn : List.of("server", "my_worker", "my_client", "intruder")) {
            openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                    cn + "-key.pem", "-out", cn + ".csr", "-subj", "/CN=" + cn);
            openssl("x509", "-req", "-in", cn + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                    "-out", cn + ".pem", "-days", "30");
        }
        Files.writeString(dir.resolve("acl.ini"), "[my_worker]\nregister=reverse.*\n\n[my_client]\ninvoke=.*\n");

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Geard.Invocation geard = Geard.run(new String[] {"-d", "-p", "0", "--listen-address", "127.0.0.1",
            "--ssl-key", p("server-key.pem"), "--ssl-cert", p("server.pem"), "--ssl-ca", p("ca.pem"),
            "--acl", p("acl.ini")}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err), Map.of())) {
            assertThat(geard.exitCode()).as(err.toString(StandardCharsets.UTF_8)).isZero();
            Server server = geard.server().orElseThrow();
            assertThat(server.isTls()).isTrue();
            int port = server.port();

            try (Worker worker = new Worker("w"); Client client = new Client("c"); Client intruder = new Client("i")) {
                worker.addServer("127.0.0.1", port, dir.resolve("my_worker-key.pem"), dir.resolve("my_worker.pem"),
                        dir.resolve("ca.pem"));
                client.addServer("127.0.0.1", port, dir.resolve("my_client-key.pem"), dir.resolve("my_client.pem"),
                        dir.resolve("ca.pem"));
                intruder.addServer("127.0.0.1", port, dir.resolve("intruder-key.pem"), dir.resolve("intruder.pem"),
                        dir.resolve("ca.pem"));
                worker.waitForServer(WAIT);
                client.waitForServer(WAIT);
                intruder.waitForServer(WAIT);
                worker.registerFunction("reverse");

                CompletableFuture<Void> working = CompletableFuture.runAsync(() -> {
                    WorkerJob job = worker.getJob();
                    job.sendWorkComplete(new StringBuilder(job.argumentsAsString()).reverse().toString());
                });
                Job job = client.submitJob(new Job("reverse", "hello over tls"));
                job.waitForCompletion(WAIT);
                assertThat(job.dataAsString()).isEqualTo("slt revo olleh");
                working.get(WAIT.toSeconds(), TimeUnit.SECONDS);

                assertThat(server.snapshot().connections()).extracting(ConnectionSnapshot::subject)
                        .contains("my_worker", "my_client", "intruder");
                try {
                    intruder.submitJob(new Job("reverse", "x"));
                    throw new AssertionError("the intruder's submit was accepted");
                } catch (GearmanErrorException e) {
                    assertThat(e.getMessage()).contains("Permission denied by ACL");
                }
            }
        }
    }

    @Test
    void sslHandshakeTimeoutDropsAPeerThatNeverStartsItsHandshake() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "30", "-subj", "/CN=geard test CA");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                "server-key.pem", "-out", "server.csr", "-subj", "/CN=server");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-out", "server.pem", "-days", "30");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (Geard.Invocation geard = Geard.run(new String[] {"-d", "-p", "0", "--listen-address", "127.0.0.1",
            "--ssl-key", p("server-key.pem"), "--ssl-cert", p("server.pem"), "--ssl-ca", p("ca.pem"),
            "--ssl-handshake-timeout", "200ms"}, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err),
                Map.of())) {
            assertThat(geard.exitCode()).as(err.toString(StandardCharsets.UTF_8)).isZero();
            // Silent after connecting: the default (10 s) is beyond the client's 5 s read timeout,
            // so only the flag's 200 ms closes it in time.
            try (RawClient silent = RawClient.connect(geard.server().orElseThrow())) {
                silent.expectClosed();
            }
        }
    }

    private String p(String name) {
        return dir.resolve(name).toString();
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s:%n%s", command, output).isZero();
    }
}
