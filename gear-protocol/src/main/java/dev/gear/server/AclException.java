package dev.gear.server;

import dev.gear.GearmanException;

/** An ACL change or ACL file that cannot be applied: a bad regex, a duplicate or unknown subject, a bad file. gear's {@code ACLError}. */
public class AclException extends GearmanException {
    private static final long serialVersionUID = 1L;

    public AclException(String message) {
        super(message);
    }

    public AclException(String message, Throwable cause) {
        super(message, cause);
    }
}
