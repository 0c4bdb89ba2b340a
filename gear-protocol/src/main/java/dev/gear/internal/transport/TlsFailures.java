package dev.gear.internal.transport;

import java.security.cert.CertPath;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;

/**
 * Turns the JDK's handshake exceptions into the reason an operator needs ("no client
 * certificate", "unknown CA", "certificate expired"), keeping the JDK's words after it.
 */
final class TlsFailures {
    private TlsFailures() {
    }

    static String describe(SSLException e, boolean clientMode) {
        String peer = clientMode ? "server" : "client";
        String detail = String.valueOf(e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertPathValidatorException) {
                CertPathValidatorException v = (CertPathValidatorException) t;
                String subject = subjectAt(v.getCertPath(), v.getIndex());
                if (v.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                    return peer + " certificate expired" + subject + " (" + detail + ")";
                }
                if (v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                    return peer + " certificate not yet valid" + subject + " (" + detail + ")";
                }
                if (v.getReason() == CertPathValidatorException.BasicReason.REVOKED) {
                    return peer + " certificate revoked" + subject + " (" + detail + ")";
                }
            }
            if (t instanceof CertificateExpiredException) {
                return peer + " certificate expired (" + detail + ")";
            }
            if (t instanceof CertificateNotYetValidException) {
                return peer + " certificate not yet valid (" + detail + ")";
            }
            if (t instanceof CertPathBuilderException) {
                return "unknown CA: the " + peer + " certificate is not signed by a trusted CA (" + detail + ")";
            }
        }
        if (detail.contains("Empty client certificate chain") || detail.contains("Empty server certificate chain")) {
            return "no " + peer + " certificate (" + detail + ")";
        }
        if (detail.startsWith("Received fatal alert")) {
            return peer + " refused the handshake: " + detail;
        }
        if (detail.contains("No appropriate protocol") || detail.contains("protocol_version")
                || detail.startsWith("Client requested protocol")) {
            // The last one is a server's view of a client offering only older protocols (TLS 1.0, 1.1).
            return "no common TLS protocol (" + detail + ")";
        }
        if (!clientMode && detail.contains("no cipher suites in common")) {
            // e.g. a client offering only NULL, export or RC4 suites, which the JDK never enables
            return "no common cipher suite: the client offered none this server enables (" + detail + ")";
        }
        return detail;
    }

    private static String subjectAt(CertPath path, int index) {
        if (path == null || index < 0 || index >= path.getCertificates().size()
                || !(path.getCertificates().get(index) instanceof X509Certificate)) {
            return "";
        }
        X509Certificate cert = (X509Certificate) path.getCertificates().get(index);
        return ": " + cert.getSubjectX500Principal().getName() + ", valid " + cert.getNotBefore().toInstant()
                + " to " + cert.getNotAfter().toInstant();
    }
}
