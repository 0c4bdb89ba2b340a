package dev.gear.internal.transport;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/** Extracts the common name (CN) from a certificate subject: gear's identity for ACLs. */
final class CommonNames {
    private CommonNames() {
    }

    /** The most specific CN of {@code subject} (the last one in RFC 2253 order), or null if it has none. */
    static String of(X500Principal subject) {
        try {
            // RFC 2253 lists the most specific RDN first; LdapName indexes from the least specific.
            LdapName name = new LdapName(subject.getName(X500Principal.RFC2253));
            for (int i = name.size() - 1; i >= 0; i--) {
                Rdn rdn = name.getRdn(i);
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
            return null;
        } catch (InvalidNameException e) {
            return null;
        }
    }
}
