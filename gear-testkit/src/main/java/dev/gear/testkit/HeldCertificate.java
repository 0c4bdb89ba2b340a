package dev.gear.testkit;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;

/**
 * A certificate together with its key pair, as {@link TestCertificates} issues them.
 *
 * @param certificate the X.509 certificate
 * @param keyPair     its public and private key
 */
public record HeldCertificate(X509Certificate certificate, KeyPair keyPair) {
    public HeldCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(keyPair, "keyPair");
    }

    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    /** The subject's common name: the identity a gear server's ACL sees. */
    public String commonName() {
        String name = certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
        for (String part : name.split(",")) {
            if (part.startsWith("CN=")) {
                return part.substring(3);
            }
        }
        return null;
    }

    /** The certificate as PEM ({@code -----BEGIN CERTIFICATE-----}). */
    public String certificatePem() {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode " + certificate.getSubjectX500Principal(), e);
        }
    }

    /** The private key as unencrypted PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}). */
    public String privateKeyPkcs8Pem() {
        return pem("PRIVATE KEY", keyPair.getPrivate().getEncoded());
    }

    static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    @Override
    public String toString() {
        return "HeldCertificate[" + certificate.getSubjectX500Principal().getName() + ", valid "
                + certificate.getNotBefore().toInstant() + " to " + certificate.getNotAfter().toInstant() + "]";
    }
}
