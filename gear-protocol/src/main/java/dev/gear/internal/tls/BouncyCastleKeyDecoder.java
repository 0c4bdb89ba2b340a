package dev.gear.internal.tls;

import java.io.StringReader;
import java.security.PrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads traditional (PKCS#1 RSA, SEC1 EC) PEM keys with BouncyCastle's parser, converting them
 * with the JDK's own key factories: BouncyCastle is never registered as a JCE provider. Loaded
 * only after {@link TraditionalKeyDecoder#find()} saw BouncyCastle on the path.
 */
final class BouncyCastleKeyDecoder implements TraditionalKeyDecoder {
    @Override
    public PrivateKey decode(String pem) throws Exception {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair) {
                return converter.getKeyPair((PEMKeyPair) object).getPrivate();
            }
            if (object instanceof PrivateKeyInfo) {
                return converter.getPrivateKey((PrivateKeyInfo) object);
            }
            throw new IllegalArgumentException("not an unencrypted private key: "
                    + (object == null ? "nothing" : object.getClass().getSimpleName()));
        }
    }
}
