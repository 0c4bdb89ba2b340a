package dev.gear.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import dev.gear.internal.tls.SingleIdentityKeyManager;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * TLS material for tests: a CA, a server certificate for {@code localhost}, {@code 127.0.0.1}
 * and {@code ::1}, and client certificates for any common name (the identity gear's ACLs use).
 *
 * <p>{@link #get()} is generated once per JVM on first use and shared: ECDSA P-256, about 0.65 s
 * for the CA and server certificate (median of 7 fresh JVMs, JDK 17, 2 cores; mostly loading
 * BouncyCastle and the JDK's TLS classes). Client certificates are cached per CN, about 10 ms each. {@link #builder()} makes an independent CA, for
 * example RSA keys or a second CA whose certificates a server must refuse.
 *
 * <p>BouncyCastle only builds the certificates; keys, signatures and the TLS contexts use the JDK's
 * providers. BouncyCastle is never registered as a provider.
 *
 * <pre>{@code
 * TestCertificates certs = TestCertificates.get();
 * SSLContext server = certs.serverContext();          // trusts only certs.caCertificate()
 * SSLContext client = certs.clientContext("worker-1"); // CN=worker-1
 * PemFiles files = certs.writeClientPem(tempDir, "worker-1");
 * }</pre>
 */
public final class TestCertificates {
    /** Key algorithm of every certificate a {@code TestCertificates} issues. */
    public enum KeyType {
        /** ECDSA on P-256 with SHA-256: fast to generate and to handshake. The default. */
        EC_P256,
        /** RSA 2048 with SHA-256. */
        RSA_2048
    }

    private static final class Shared {
        static final TestCertificates INSTANCE = builder().build();
    }

    private final KeyType keyType;
    private final Instant notBefore;
    private final Instant notAfter;
    private final SecureRandom random = new SecureRandom();
    private final HeldCertificate ca;
    private final HeldCertificate server;
    private final Map<String, HeldCertificate> clients = new ConcurrentHashMap<>();

    private TestCertificates(Builder builder) {
        this.keyType = builder.keyType;
        this.notBefore = builder.notBefore;
        this.notAfter = builder.notAfter;
        try {
            KeyPair caKeys = generateKeyPair();
            X500Name caName = name(builder.caName);
            X509v3CertificateBuilder cb = new JcaX509v3CertificateBuilder(caName, serial(), Date.from(notBefore),
                    Date.from(notAfter), caName, caKeys.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            cb.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            cb.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            cb.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(caKeys.getPublic()));
            this.ca = new HeldCertificate(sign(cb, caKeys), caKeys);
            this.server = issue("localhost", notBefore, notAfter, true);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate test certificates: " + e, e);
        }
    }

    /** The shared material of this JVM: generated on first use, ECDSA P-256, valid from an hour ago for a year. */
    public static TestCertificates get() {
        return Shared.INSTANCE;
    }

    /** An independent CA with its own options. */
    public static Builder builder() {
        return new Builder();
    }

    public KeyType keyType() {
        return keyType;
    }

    /** The CA (self-signed); its certificate is the only trust anchor of every context made here. */
    public HeldCertificate ca() {
        return ca;
    }

    public X509Certificate caCertificate() {
        return ca.certificate();
    }

    /** The server certificate: CN {@code localhost}, SANs {@code localhost}, {@code 127.0.0.1}, {@code ::1}. */
    public HeldCertificate server() {
        return server;
    }

    /** A client certificate with subject {@code CN=<commonName>}, issued on first use and cached. */
    public HeldCertificate client(String commonName) {
        Objects.requireNonNull(commonName, "commonName");
        return clients.computeIfAbsent(commonName, cn -> issueClient(cn, notBefore, notAfter));
    }

    /**
     * A new (uncached) client certificate with its own validity window: a window in the past gives
     * an EXPIRED certificate, one in the future a not-yet-valid one.
     */
    public HeldCertificate issueClient(String commonName, Instant notBefore, Instant notAfter) {
        Objects.requireNonNull(commonName, "commonName");
        if (!notAfter.isAfter(notBefore)) {
            throw new IllegalArgumentException("notAfter " + notAfter + " must be after notBefore " + notBefore);
        }
        try {
            return issue(commonName, notBefore, notAfter, false);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate for " + commonName + ": " + e, e);
        }
    }

    /**
     * A server-side context: the server certificate, trusting only this CA. (Requiring a client
     * certificate is the server's setting, on by default as in gear, not the context's.)
     */
    public SSLContext serverContext() {
        return sslContext(server);
    }

    /** A client-side context for {@code CN=<commonName>}, trusting only this CA. */
    public SSLContext clientContext(String commonName) {
        return sslContext(client(commonName));
    }

    /** A context presenting {@code identity} and trusting only this CA. */
    public SSLContext sslContext(HeldCertificate identity) {
        return sslContext(identity, ca.certificate());
    }

    /**
     * A context presenting {@code identity} (may be null: no certificate) and trusting exactly
     * {@code trusted}: combine a certificate from another CA with this CA's trust to test refusals.
     * The identity is sent whatever CA list the server asks for, as gear and OpenSSL do.
     */
    public static SSLContext sslContext(HeldCertificate identity, X509Certificate... trusted) {
        try {
            // Always presents the identity, as gear and OpenSSL do (see SingleIdentityKeyManager).
            KeyManager[] keyManagers = identity == null ? null : new KeyManager[] {
                new SingleIdentityKeyManager(identity.privateKey(), List.of(identity.certificate()))};
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < trusted.length; i++) {
                trust.setCertificateEntry("ca-" + i, trusted[i]);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, tmf.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build an SSLContext: " + e, e);
        }
    }

    /** Writes {@code server-key.pem}, {@code server.pem} and {@code ca.pem} into {@code directory}. */
    public PemFiles writeServerPem(Path directory) {
        return writePem(directory, "server", server);
    }

    /** Writes {@code <cn>-key.pem}, {@code <cn>.pem} and {@code ca.pem} into {@code directory}. */
    public PemFiles writeClientPem(Path directory, String commonName) {
        return writePem(directory, commonName, client(commonName));
    }

    /** Writes {@code <name>-key.pem} (PKCS#8), {@code <name>.pem} and {@code ca.pem} into {@code directory}. */
    public PemFiles writePem(Path directory, String name, HeldCertificate identity) {
        try {
            Files.createDirectories(directory);
            Path key = directory.resolve(name + "-key.pem");
            Path cert = directory.resolve(name + ".pem");
            Path caFile = directory.resolve("ca.pem");
            Files.writeString(key, identity.privateKeyPkcs8Pem(), StandardCharsets.US_ASCII);
            Files.writeString(cert, identity.certificatePem(), StandardCharsets.US_ASCII);
            Files.writeString(caFile, ca.certificatePem(), StandardCharsets.US_ASCII);
            return new PemFiles(key, cert, caFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write PEM files to " + directory + ": " + e.getMessage(), e);
        }
    }

    private HeldCertificate issue(String commonName, Instant from, Instant until, boolean serverCert)
            throws GeneralSecurityException, IOException, OperatorCreationException {
        KeyPair keys = generateKeyPair();
        X509v3CertificateBuilder cb = new JcaX509v3CertificateBuilder(ca.certificate(), serial(), Date.from(from),
                Date.from(until), name(commonName), keys.getPublic());
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        cb.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        int usage = KeyUsage.digitalSignature | (keyType == KeyType.RSA_2048 ? KeyUsage.keyEncipherment : 0);
        cb.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
        cb.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
        cb.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca.certificate()));
        if (serverCert) {
            cb.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            cb.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, InetAddress.getByName("127.0.0.1").getHostAddress()),
                new GeneralName(GeneralName.iPAddress, "::1"),
            }));
        } else {
            cb.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
        }
        return new HeldCertificate(sign(cb, ca.keyPair()), keys);
    }

    private X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
            throws OperatorCreationException, GeneralSecurityException {
        String algorithm = keyType == KeyType.RSA_2048 ? "SHA256withRSA" : "SHA256withECDSA";
        // No setProvider(...): the JDK's providers sign and parse; BouncyCastle is not registered.
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(algorithm).build(signer.getPrivate())));
    }

    private KeyPair generateKeyPair() throws GeneralSecurityException {
        if (keyType == KeyType.RSA_2048) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, random);
            return generator.generateKeyPair();
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    private BigInteger serial() {
        return new BigInteger(63, random).add(BigInteger.ONE);
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    /** Options for an independent {@link TestCertificates}. */
    public static final class Builder {
        private KeyType keyType = KeyType.EC_P256;
        private Instant notBefore = Instant.now().minus(Duration.ofHours(1));
        private Instant notAfter = Instant.now().plus(Duration.ofDays(365));
        private String caName = "gear test CA";

        private Builder() {
        }

        /** {@link KeyType#EC_P256} unless changed. */
        public Builder keyType(KeyType keyType) {
            this.keyType = Objects.requireNonNull(keyType, "keyType");
            return this;
        }

        /** Validity of the CA and of everything it issues by default; from an hour ago for a year unless changed. */
        public Builder validity(Instant notBefore, Instant notAfter) {
            if (!notAfter.isAfter(notBefore)) {
                throw new IllegalArgumentException("notAfter " + notAfter + " must be after notBefore " + notBefore);
            }
            this.notBefore = notBefore;
            this.notAfter = notAfter;
            return this;
        }

        /** The CA's common name; {@code gear test CA} unless changed. */
        public Builder caName(String caName) {
            this.caName = Objects.requireNonNull(caName, "caName");
            return this;
        }

        public TestCertificates build() {
            return new TestCertificates(this);
        }
    }
}
