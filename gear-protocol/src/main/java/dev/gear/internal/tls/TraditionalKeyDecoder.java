package dev.gear.internal.tls;

import java.security.PrivateKey;
import java.util.Optional;

/**
 * Decodes private keys in encodings the JDK cannot read ({@code BEGIN RSA PRIVATE KEY},
 * {@code BEGIN EC PRIVATE KEY}); present only when BouncyCastle is.
 */
interface TraditionalKeyDecoder {
    PrivateKey decode(String pem) throws Exception;

    /** The BouncyCastle decoder when BouncyCastle's pkix module can be loaded and read, else empty. */
    static Optional<TraditionalKeyDecoder> find() {
        try {
            Class<?> parser = Class.forName("org.bouncycastle.openssl.PEMParser", false,
                    TraditionalKeyDecoder.class.getClassLoader());
            Class<?> converter = Class.forName("org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter", false,
                    TraditionalKeyDecoder.class.getClassLoader());
            Module self = TraditionalKeyDecoder.class.getModule();
            // requires static gives readability only when BouncyCastle was resolved as a module; on
            // the class path it is in the unnamed module, which a named module must ask to read.
            self.addReads(parser.getModule());
            self.addReads(converter.getModule());
            return Optional.of(new BouncyCastleKeyDecoder());
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.empty();
        }
    }
}
