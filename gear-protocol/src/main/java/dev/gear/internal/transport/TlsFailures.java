package dev.gear.internal.transport;

import java.nio.ByteBuffer;
import java.security.cert.CertPath;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * Turns a failed handshake into the reason an operator needs ("server refused the handshake", "no
 * common TLS protocol", "unknown CA", "certificate expired"), keeping the JDK's words after it.
 *
 * <p>The reason comes from what the handshake did, not from the JDK's message, whose wording
 * changes between releases (JDK 21 and later put the alert's name in front: {@code
 * (certificate_required) Received fatal alert: ...}): the certificate checks' exception types and
 * reasons, and the alert this side sends. An engine that has nothing to send after a failure was
 * stopped by the peer's fatal alert (the JDK never answers one); otherwise the alert it sends,
 * when readable (any plaintext alert record: everything before TLS 1.3's encrypted flight), names
 * the cause. The JDK's message follows in parentheses, with that alert-name prefix removed so
 * that it reads the same on every JDK.
 */
final class TlsFailures {
    /** The engine had no alert to send: the peer's fatal alert ended the handshake. */
    static final int NO_ALERT = -1;
    /** This side sends an alert, encrypted (TLS 1.3 after the hello), so its code is not readable here. */
    static final int ENCRYPTED_ALERT = -2;

    private static final int PROTOCOL_VERSION = 70;
    private static final int HANDSHAKE_FAILURE = 40;
    private static final int CERTIFICATE_REQUIRED = 116;
    private static final byte ALERT_RECORD = 0x15;
    /** {@code (alert_name) } at the start of a JDK 21+ SSLException message. */
    private static final Pattern ALERT_PREFIX = Pattern.compile("^\\([a-z_]+\\) ");

    private TlsFailures() {
    }

    /**
     * What the record at {@code start} of {@code out} (read position 0) is: a plaintext alert's
     * description code, {@link #ENCRYPTED_ALERT} for another record, {@link #NO_ALERT} for none.
     */
    static int alertIn(ByteBuffer out, int start) {
        if (out.limit() <= start) {
            return NO_ALERT;
        }
        boolean plainAlert = out.get(start) == ALERT_RECORD && out.limit() >= start + 7
                && out.getShort(start + 3) == 2;
        return plainAlert ? out.get(start + 6) & 0xff : ENCRYPTED_ALERT;
    }

    /**
     * @param alert    what this side sends: {@link #alertIn}'s answer
     * @param session  the handshake session at the failure, or null
     */
    static String describe(SSLException e, boolean clientMode, int alert, SSLSession session) {
        String peer = clientMode ? "server" : "client";
        String detail = ALERT_PREFIX.matcher(String.valueOf(e.getMessage())).replaceFirst("");
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertPathValidatorException v) {
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
        if (alert == NO_ALERT) {
            return peer + " refused the handshake: " + detail;
        }
        if (alert == PROTOCOL_VERSION) {
            // e.g. a client offering only TLS 1.0 or 1.1, or a server that does
            return "no common TLS protocol (" + detail + ")";
        }
        if (alert == HANDSHAKE_FAILURE && !clientMode && noSuiteChosen(session)) {
            // e.g. a client offering only NULL, export or RC4 suites, which the JDK never enables
            return "no common cipher suite: the client offered none this server enables (" + detail + ")";
        }
        if (alert == CERTIFICATE_REQUIRED || (!clientMode && alert == ENCRYPTED_ALERT && noPeerCertificate(session))) {
            // TLS 1.3 sends certificate_required encrypted: the session shows what was missing
            return "no " + peer + " certificate (" + detail + ")";
        }
        return detail;
    }

    /** Whether the handshake failed before a cipher suite was chosen (the JDK's placeholder name). */
    private static boolean noSuiteChosen(SSLSession session) {
        return session == null || session.getCipherSuite() == null
                || session.getCipherSuite().equals("SSL_NULL_WITH_NULL_NULL");
    }

    /** Whether the peer had presented no certificate by the time the handshake failed. */
    private static boolean noPeerCertificate(SSLSession session) {
        if (session == null) {
            return false;
        }
        try {
            return session.getPeerCertificates().length == 0;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return true;
        }
    }

    private static String subjectAt(CertPath path, int index) {
        if (path == null || index < 0 || index >= path.getCertificates().size()
                || !(path.getCertificates().get(index) instanceof X509Certificate cert)) {
            return "";
        }
        return ": " + cert.getSubjectX500Principal().getName() + ", valid " + cert.getNotBefore().toInstant()
                + " to " + cert.getNotAfter().toInstant();
    }
}
