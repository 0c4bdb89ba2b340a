package dev.gear.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.SslContexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCertificatesTest {
    @TempDir
    Path dir;

    @Test
    void sharedMaterialIsGeneratedOnceAndClientsAreCachedPerCn() {
        TestCertificates certs = TestCertificates.get();
        assertThat(TestCertificates.get()).isSameAs(certs);
        assertThat(certs.client("a")).isSameAs(certs.client("a")).isNotEqualTo(certs.client("b"));
        assertThat(certs.client("a").commonName()).isEqualTo("a");
        assertThat(certs.keyType()).isEqualTo(TestCertificates.KeyType.EC_P256);
        assertThat(certs.server().privateKey().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void serverCertificateNamesLoopback() throws Exception {
        X509Certificate server = TestCertificates.get().server().certificate();
        assertThat(server.getSubjectAlternativeNames().stream().map(n -> (Object) n.get(1)).toList())
                .containsExactlyInAnyOrder((Object) "localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
        server.verify(TestCertificates.get().caCertificate().getPublicKey());
    }

    @Test
    void windowsAndOtherCasAreIndependent() throws Exception {
        TestCertificates certs = TestCertificates.get();
        Instant past = Instant.parse("2020-01-01T00:00:00Z");
        HeldCertificate expired = certs.issueClient("old", past, past.plusSeconds(3600));
        assertThat(expired.certificate().getNotAfter().toInstant()).isEqualTo(past.plusSeconds(3600));
        TestCertificates other = TestCertificates.builder().keyType(TestCertificates.KeyType.RSA_2048).build();
        assertThat(other.caCertificate()).isNotEqualTo(certs.caCertificate());
        assertThat(other.client("x").privateKey().getAlgorithm()).isEqualTo("RSA");
        other.client("x").certificate().verify(other.caCertificate().getPublicKey());
    }

    @Test
    void pemFilesLoadThroughTheProtocolModule() throws Exception {
        PemFiles files = TestCertificates.get().writeClientPem(dir, "pem-user");
        assertThat(files.key()).isEqualTo(dir.resolve("pem-user-key.pem"));
        assertThat(Files.readString(files.key())).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Files.readAllLines(files.cert())).allMatch(line -> line.length() <= 64);
        assertThat(SslContexts.fromPem(files.key(), files.cert(), files.ca()).getProtocol()).isEqualTo("TLS");
        PemFiles server = TestCertificates.get().writeServerPem(dir);
        assertThat(List.of(server.key(), server.cert(), server.ca())).allMatch(Files::isRegularFile);
        assertThat(SslContexts.fromPem(server.key(), server.cert(), server.ca())).isNotNull();
    }
}
