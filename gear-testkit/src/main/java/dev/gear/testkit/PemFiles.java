package dev.gear.testkit;

import java.nio.file.Path;

/**
 * gear's three TLS files, as written by {@link TestCertificates}: pass them to
 * {@code addServer(host, port, key, cert, ca)}, {@code geard --ssl-key --ssl-cert --ssl-ca} or any
 * tool outside the JVM.
 *
 * @param key  the private key, PKCS#8 PEM
 * @param cert the certificate, PEM
 * @param ca   the issuing CA's certificate, PEM
 */
public record PemFiles(Path key, Path cert, Path ca) {
}
