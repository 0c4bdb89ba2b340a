package dev.gear.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.ConfigurationException;
import dev.gear.Packet;
import dev.gear.SslContexts;
import dev.gear.internal.codec.DecodeError;
import dev.gear.internal.transport.ConnectionHandler;
import dev.gear.internal.transport.ConnectionLimits;
import dev.gear.internal.transport.EventLoop;
import dev.gear.internal.transport.Listener;
import dev.gear.internal.transport.NioConnection;
import dev.gear.internal.transport.SocketSettings;
import dev.gear.internal.transport.TlsSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PEM files made by the {@code openssl} command line (as gear users make them) load through
 * {@link SslContexts#fromPem} and complete real TLS handshakes; broken inputs get precise errors.
 */
class PemKeyMaterialTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static EventLoop loop;
    private static Listener listener;
    private static final BlockingQueue<String> serverSubjects = new LinkedBlockingQueue<>();

    @BeforeAll
    static void makeMaterial() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "30", "-subj", "/CN=openssl test CA");
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        issue("server", "ec", "localhost", "server.ext");
        issue("ec-client", "ec", "ec-client", "client.ext");
        issue("rsa-client", "rsa", "rsa-client", "client.ext");
        // Traditional encodings of the same keys: BEGIN RSA PRIVATE KEY, BEGIN EC PRIVATE KEY.
        openssl("pkey", "-in", "rsa-client-key.pem", "-traditional", "-out", "rsa-client-trad-key.pem");
        openssl("pkey", "-in", "ec-client-key.pem", "-traditional", "-out", "ec-client-trad-key.pem");
        Files.copy(dir.resolve("rsa-client.pem"), dir.resolve("rsa-client-trad.pem"));
        Files.copy(dir.resolve("ec-client.pem"), dir.resolve("ec-client-trad.pem"));
        openssl("pkcs8", "-topk8", "-in", "ec-client-key.pem", "-passout", "pass:secret", "-out", "encrypted-key.pem");

        loop = new EventLoop("pem-test");
        SSLContext server = SslContexts.fromPem(dir.resolve("server-key.pem"), dir.resolve("server.pem"),
                dir.resolve("ca.pem"));
        listener = loop.listen(new InetSocketAddress("127.0.0.1", 0), 16, SocketSettings.DEFAULTS,
                ConnectionLimits.DEFAULTS, TlsSettings.of(server), c -> new Lines(null) {
                    @Override
                    public void onOpen(NioConnection connection) {
                        serverSubjects.add(connection.tlsSubject());
                    }

                    @Override
                    public void onLine(NioConnection connection, String line) {
                        connection.sendText(line + "\n");
                    }
                });
    }

    @AfterAll
    static void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    @Test
    void keysAreInTheEncodingsTheTestExpects() throws IOException {
        assertThat(Files.readString(dir.resolve("ec-client-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(dir.resolve("rsa-client-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(dir.resolve("rsa-client-trad-key.pem"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Files.readString(dir.resolve("ec-client-trad-key.pem"))).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(Files.readString(dir.resolve("encrypted-key.pem"))).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ec-client", "rsa-client", "ec-client-trad", "rsa-client-trad"})
    void opensslMaterialHandshakes(String name) throws Exception {
        SSLContext client = SslContexts.fromPem(dir.resolve(name + "-key.pem"), dir.resolve(name + ".pem"),
                dir.resolve("ca.pem"));
        Lines lines = new Lines(new LinkedBlockingQueue<>());
        NioConnection connection = loop.connect(listener.address(), WAIT, SocketSettings.DEFAULTS,
                ConnectionLimits.DEFAULTS, TlsSettings.of(client).withVerifyHostname(true), lines)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        loop.execute(() -> connection.sendText("hello " + name + "\n"));
        assertThat(lines.received.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("hello " + name);
        assertThat(serverSubjects.poll(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isEqualTo(name.replace("-trad", ""));
        assertThat(loop.submit(connection::tlsSubject).get()).isEqualTo("localhost");
        loop.execute(() -> connection.close("done"));
    }

    @Test
    void traditionalKeyWithoutBouncyCastleSaysHowToConvert() {
        assertThatThrownBy(() -> PemKeyMaterial.sslContext(dir.resolve("rsa-client-trad-key.pem"),
                dir.resolve("rsa-client.pem"), dir.resolve("ca.pem"), Optional.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("the key file " + dir.resolve("rsa-client-trad-key.pem") + " holds a RSA PRIVATE KEY"
                        + " (traditional encoding), which needs BouncyCastle (bcpkix-jdk18on) on the class path;"
                        + " convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
    }

    @Test
    void bouncyCastleIsFoundWhenPresent() {
        assertThat(TraditionalKeyDecoder.find()).isPresent();
    }

    @Test
    void keyOfAnotherCertificateIsNamed() {
        assertThatThrownBy(() -> SslContexts.fromPem(dir.resolve("server-key.pem"), dir.resolve("ec-client.pem"),
                dir.resolve("ca.pem")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("the private key in " + dir.resolve("server-key.pem")
                        + " does not match the certificate for CN=ec-client");
        assertThatThrownBy(() -> SslContexts.fromPem(dir.resolve("rsa-client-key.pem"), dir.resolve("ec-client.pem"),
                dir.resolve("ca.pem")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("holds an RSA key, but the certificate's key is EC");
    }

    @Test
    void encryptedKeyIsRefusedWithTheFix() {
        assertThatThrownBy(() -> SslContexts.fromPem(dir.resolve("encrypted-key.pem"), dir.resolve("ec-client.pem"),
                dir.resolve("ca.pem")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("encrypted private key")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void missingAndWrongFilesAreNamed() throws IOException {
        Path missing = dir.resolve("no-such.pem");
        assertThatThrownBy(() -> SslContexts.fromPem(dir.resolve("ec-client-key.pem"), dir.resolve("ec-client.pem"),
                missing))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("cannot read the CA file " + missing);
        assertThatThrownBy(() -> SslContexts.fromPem(dir.resolve("ec-client-key.pem"), dir.resolve("ec-client-key.pem"),
                dir.resolve("ca.pem")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("the certificate file " + dir.resolve("ec-client-key.pem")
                        + " contains no CERTIFICATE block (found [PRIVATE KEY])");
        Path text = Files.writeString(dir.resolve("not-pem.txt"), "hello\n");
        assertThatThrownBy(() -> SslContexts.fromPem(text, dir.resolve("ec-client.pem"), dir.resolve("ca.pem")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("the key file " + text + " contains no PEM block");
    }

    private static void issue(String name, String type, String cn, String extFile) throws Exception {
        List<String> newKey = type.equals("rsa") ? List.of("-newkey", "rsa:2048")
                : List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1");
        List<String> req = new ArrayList<>(List.of("req"));
        req.addAll(newKey);
        req.addAll(List.of("-nodes", "-keyout", name + "-key.pem", "-out", name + ".csr", "-subj", "/CN=" + cn));
        openssl(req.toArray(String[]::new));
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem", "-CAcreateserial",
                "-out", name + ".pem", "-days", "30", "-extfile", extFile);
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        assertThat(process.exitValue()).as("%s:%n%s", command, output).isZero();
    }

    /** Collects received lines. */
    private static class Lines implements ConnectionHandler {
        final BlockingQueue<String> received;
        final CompletableFuture<String> closed = new CompletableFuture<>();

        Lines(BlockingQueue<String> received) {
            this.received = received;
        }

        @Override
        public void onPacket(NioConnection connection, Packet packet) {
        }

        @Override
        public void onLine(NioConnection connection, String line) {
            received.add(line);
        }

        @Override
        public void onDecodeError(NioConnection connection, DecodeError error) {
        }

        @Override
        public void onClosed(NioConnection connection, String reason) {
            closed.complete(reason);
        }
    }
}
