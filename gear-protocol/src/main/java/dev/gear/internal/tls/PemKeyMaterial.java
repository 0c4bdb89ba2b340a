package dev.gear.internal.tls;

import dev.gear.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * gear's three PEM files (key, certificate, CA) as an {@link SSLContext}: the key and certificate
 * identify us, the CA certificates are the only trust anchors (never a trust-all manager).
 * Certificates and PKCS#8 keys are read with the JDK alone; traditional key encodings need
 * BouncyCastle, and without it the error says how to convert the key.
 */
public final class PemKeyMaterial {
    static final String CONVERT_HINT = "convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem";
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "EdDSA", "RSASSA-PSS", "DSA");

    private PemKeyMaterial() {
    }

    /** Builds the context; every problem is a {@link ConfigurationException} naming the file and the fix. */
    public static SSLContext sslContext(Path key, Path cert, Path ca) {
        return sslContext(key, cert, ca, TraditionalKeyDecoder.find());
    }

    static SSLContext sslContext(Path key, Path cert, Path ca, Optional<TraditionalKeyDecoder> decoder) {
        List<X509Certificate> chain = certificates(cert, "certificate");
        List<X509Certificate> anchors = certificates(ca, "CA");
        PrivateKey privateKey = privateKey(key, chain.get(0), decoder);
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < anchors.size(); i++) {
                trust.setCertificateEntry("ca-" + i, anchors.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);

            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new SingleIdentityKeyManager(privateKey, chain)}, tmf.getTrustManagers(),
                    new SecureRandom());
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new ConfigurationException("cannot build a TLS context from key " + key + ", certificate " + cert
                    + " and CA " + ca + ": " + e.getMessage(), e);
        }
    }

    /** Every certificate in a PEM file, in file order (leaf first for a chain). */
    public static List<X509Certificate> certificates(Path path, String what) {
        PemFile file = PemFile.read(path, what);
        List<PemFile.Block> blocks = file.blocks("CERTIFICATE");
        if (blocks.isEmpty()) {
            throw new ConfigurationException("the " + what + " file " + path + " contains no CERTIFICATE block (found "
                    + file.labels() + ")");
        }
        List<X509Certificate> result = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (PemFile.Block block : blocks) {
                result.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
            }
        } catch (CertificateException e) {
            throw new ConfigurationException("the " + what + " file " + path + " holds an unreadable certificate: "
                    + e.getMessage(), e);
        }
        return result;
    }

    static PrivateKey privateKey(Path path, X509Certificate cert, Optional<TraditionalKeyDecoder> decoder) {
        PemFile file = PemFile.read(path, "key");
        PemFile.Block block = file.blocks().stream().filter(b -> b.label().endsWith("PRIVATE KEY")
                || b.label().startsWith("RSA PRIVATE KEY") || b.label().startsWith("EC PRIVATE KEY")).findFirst()
                .orElseThrow(() -> new ConfigurationException("the key file " + path
                        + " contains no private key (found " + file.labels() + ")"));
        PublicKey publicKey = cert.getPublicKey();
        PrivateKey key;
        if (block.label().equals("PRIVATE KEY")) {
            key = pkcs8(path, block.der(), publicKey.getAlgorithm());
        } else if (block.label().equals("ENCRYPTED PRIVATE KEY") || block.label().endsWith("(with headers)")) {
            throw new ConfigurationException("the key file " + path + " holds an encrypted private key, which is not"
                    + " supported; decrypt it with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem");
        } else if (block.label().equals("RSA PRIVATE KEY") || block.label().equals("EC PRIVATE KEY")) {
            TraditionalKeyDecoder d = decoder.orElseThrow(() -> new ConfigurationException("the key file " + path
                    + " holds a " + block.label() + " (traditional encoding), which needs BouncyCastle"
                    + " (bcpkix-jdk18on) on the class path; " + CONVERT_HINT));
            try {
                key = d.decode(block.pem());
            } catch (Exception e) {
                throw new ConfigurationException("cannot read the " + block.label() + " in " + path + ": "
                        + e.getMessage() + "; " + CONVERT_HINT, e);
            }
        } else {
            throw new ConfigurationException("the key file " + path + " holds a " + block.label()
                    + ", which is not supported; " + CONVERT_HINT);
        }
        checkMatches(path, key, cert);
        return key;
    }

    private static PrivateKey pkcs8(Path path, byte[] der, String expectedAlgorithm) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        try {
            return KeyFactory.getInstance(expectedAlgorithm).generatePrivate(spec);
        } catch (GeneralSecurityException e) {
            for (String algorithm : KEY_ALGORITHMS) {
                if (algorithm.equals(expectedAlgorithm)) {
                    continue;
                }
                try {
                    KeyFactory.getInstance(algorithm).generatePrivate(spec);
                    throw new ConfigurationException("the key file " + path + " holds an " + algorithm
                            + " key, but the certificate's key is " + expectedAlgorithm + ": wrong key file?");
                } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException | RuntimeException other) {
                    if (other instanceof ConfigurationException) {
                        throw (ConfigurationException) other;
                    }
                }
            }
            throw new ConfigurationException("the key file " + path + " holds a PRIVATE KEY the JDK cannot read as "
                    + expectedAlgorithm + ": " + e.getMessage(), e);
        }
    }

    /** A key that does not belong to the certificate fails every handshake; say so at load time. */
    private static void checkMatches(Path path, PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            default -> null; // (RSASSA-PSS, DSA) the handshake will tell
        };
        if (algorithm == null) {
            return;
        }
        try {
            byte[] probe = "gear key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // fall through: a key that cannot sign for this certificate does not match it
        }
        throw new ConfigurationException("the private key in " + path + " does not match the certificate for "
                + cert.getSubjectX500Principal().getName() + ": wrong key file?");
    }
}
