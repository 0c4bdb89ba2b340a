package dev.gear.internal.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents one certificate, always. gear configures exactly one key and certificate per side, and
 * so do OpenSSL-based peers: they send it whatever CA list the server advertises. The JDK's
 * default key manager instead sends <em>no</em> certificate when its issuer is not in that list,
 * which turns "signed by an unknown CA" into a misleading "no client certificate" on the server.
 */
public final class SingleIdentityKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS = "identity";
    private final PrivateKey key;
    private final X509Certificate[] chain;

    public SingleIdentityKeyManager(PrivateKey key, List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a certificate chain needs at least one certificate");
        }
        this.key = key;
        this.chain = chain.toArray(new X509Certificate[0]);
    }

    private String aliasFor(String[] keyTypes) {
        if (keyTypes == null) {
            return ALIAS;
        }
        for (String type : keyTypes) {
            if (matches(type)) {
                return ALIAS;
            }
        }
        return null;
    }

    private String aliasFor(String keyType) {
        return keyType == null || matches(keyType) ? ALIAS : null;
    }

    /** TLS names key types loosely ("EC", "RSA", "RSASSA-PSS", "EC_EC", "Ed25519"); accept the key's family. */
    private boolean matches(String keyType) {
        String algorithm = key.getAlgorithm();
        return keyType.equalsIgnoreCase(algorithm) || keyType.toUpperCase().startsWith(algorithm.toUpperCase())
                || (algorithm.equals("EdDSA") && keyType.startsWith("Ed"))
                || (algorithm.equals("RSA") && keyType.equals("RSASSA-PSS"));
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return aliasFor(keyType) == null ? null : new String[] {ALIAS};
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyTypes);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return aliasFor(keyType) == null ? null : new String[] {ALIAS};
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? key : null;
    }
}
