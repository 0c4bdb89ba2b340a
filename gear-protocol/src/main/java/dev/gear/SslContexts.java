package dev.gear;

import dev.gear.internal.tls.PemKeyMaterial;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/**
 * TLS contexts from gear's three PEM files: {@code ssl_key}, {@code ssl_cert} and {@code ssl_ca}.
 * The same context serves a client, a worker or a server: the key and certificate identify this
 * side, and only certificates signed by the CA are trusted on the other (there is no trust-all
 * option).
 *
 * <p>Certificates ({@code BEGIN CERTIFICATE}, a chain leaf first) and PKCS#8 keys
 * ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519) are read with the JDK alone. Traditional keys
 * ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}) are read when BouncyCastle's
 * {@code bcpkix-jdk18on} is on the class path (on the module path, add
 * {@code --add-modules org.bouncycastle.pkix}); otherwise convert them once with
 * {@code openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem}. Encrypted keys are not
 * supported. BouncyCastle is never registered as a security provider.
 */
public final class SslContexts {
    private SslContexts() {
    }

    /**
     * Reads the three PEM files and builds a context for TLS 1.3 and 1.2.
     *
     * @param key  the private key (PKCS#8, or a traditional encoding with BouncyCastle present)
     * @param cert this side's certificate, optionally followed by intermediate certificates
     * @param ca   the CA certificate(s) the peer's certificate must be signed by
     * @throws ConfigurationException naming the file and the problem: unreadable, no PEM block, a
     *         key that does not match the certificate, an encoding that needs conversion
     */
    public static SSLContext fromPem(Path key, Path cert, Path ca) {
        return PemKeyMaterial.sslContext(key, cert, ca);
    }
}
