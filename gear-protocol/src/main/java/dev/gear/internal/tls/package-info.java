/**
 * PEM key material for TLS: certificates and PKCS#8 keys read with the JDK, traditional key
 * encodings through BouncyCastle when it is on the class path, and a key manager that always
 * presents the one configured identity.
 */
package dev.gear.internal.tls;
