package dev.gear.internal.server;

import java.util.List;

/**
 * The one place the server asks whether a connection may do something. The default allows
 * everything and has no ACL; the ACL (a later addition) plugs in here. Called on the loop thread.
 *
 * <p>{@code subject} is the connection's authenticated identity (the TLS client certificate's CN),
 * {@code null} on plain TCP.
 */
public interface PermissionPolicy {
    /** No ACL: everything is allowed, {@code acl ...} answers {@code ERR ACL_DISABLED}. */
    PermissionPolicy ALLOW_ALL = new PermissionPolicy() {
        @Override
        public boolean canRegister(String subject, String function) {
            return true;
        }

        @Override
        public boolean canInvoke(String subject, String function) {
            return true;
        }

        @Override
        public boolean canShutdown(String subject) {
            return true;
        }

        @Override
        public boolean canConfigure(String subject) {
            return true;
        }

        @Override
        public String aclCommand(String subject, String line, List<String> words) {
            return "ERR ACL_DISABLED\n";
        }
    };

    /** May {@code subject} register {@code function} (CAN_DO)? A denied CAN_DO is ignored, as in gear. */
    boolean canRegister(String subject, String function);

    /** May {@code subject} submit jobs to, or cancel jobs of, {@code function}? */
    boolean canInvoke(String subject, String function);

    /**
     * May {@code subject} stop the server with the admin {@code shutdown [graceful]}? gear checks
     * nothing here; with an ACL we require grant permission, the ACL's administrator right.
     */
    boolean canShutdown(String subject);

    /**
     * May {@code subject} change the server's settings with the admin commands {@code maxqueue},
     * {@code create function} and {@code drop function}? gear has none of them; with an ACL we
     * require grant permission, as for {@code shutdown}: otherwise any certificate of the CA could
     * lift or zero a queue limit, drop functions, or create function entries without bound.
     */
    boolean canConfigure(String subject);

    /**
     * Answers an {@code acl ...} admin line ({@code words}: the line split on runs of spaces,
     * {@code words[0]} is {@code acl}; {@code line} as received, for a pattern that holds spaces);
     * the reply includes its line end.
     */
    String aclCommand(String subject, String line, List<String> words);
}
