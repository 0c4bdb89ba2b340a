package dev.gear.internal.server;

import dev.gear.server.Acl;
import dev.gear.server.AclEntry;
import dev.gear.server.AclException;
import java.util.List;
import java.util.Objects;

/**
 * The {@link PermissionPolicy} of a server with an {@link Acl}: deny by default, identity = the
 * client certificate's CN (a plain connection has none, so it may do nothing checked), and the
 * {@code acl} admin commands with gear's replies (gear-api.md §3.9), working as gear documents
 * them (gear's Python 3 build answers every grant and revoke with {@code ERR UNKNOWN_ACL_VERB}).
 */
public final class AclPermissions implements PermissionPolicy {
    private final Acl acl;

    public AclPermissions(Acl acl) {
        this.acl = Objects.requireNonNull(acl, "acl");
    }

    @Override
    public boolean canRegister(String subject, String function) {
        return acl.canRegister(subject, function);
    }

    @Override
    public boolean canInvoke(String subject, String function) {
        return acl.canInvoke(subject, function);
    }

    /** Stopping the server is an administrator's act: grant permission, the ACL's highest right. */
    @Override
    public boolean canShutdown(String subject) {
        return acl.canGrant(subject);
    }

    /** {@code maxqueue}, {@code create/drop function}: an administrator's act too (grant permission). */
    @Override
    public boolean canConfigure(String subject) {
        return acl.canGrant(subject);
    }

    @Override
    public String aclCommand(String subject, String line, List<String> words) {
        String command = words.size() < 2 ? "" : words.get(1).toLowerCase(java.util.Locale.ROOT);
        return switch (command) {
            case "list" -> list();
            case "grant" -> grant(subject, line, words);
            case "revoke" -> words.size() < 4 ? usage("acl revoke <verb> <subject>")
                    : revoke(subject, words.get(2), words.get(3));
            case "self-revoke" -> words.size() < 3 ? usage("acl self-revoke <verb>")
                    : revoke(subject, words.get(2), subject);
            default -> "ERR UNKNOWN_COMMAND Unknown+ACL+command:+" + (words.size() < 2 ? "" : words.get(1)) + "\n";
        };
    }

    /** {@code subject\tregister=<re|None>\tinvoke=<re|None>\tgrant=<True|False>} lines, sorted; gear's format. */
    private String list() {
        StringBuilder out = new StringBuilder();
        for (AclEntry e : acl.getEntries()) {
            out.append(e.subject()).append("\tregister=").append(e.register() == null ? "None" : e.register())
                    .append("\tinvoke=").append(e.invoke() == null ? "None" : e.invoke())
                    .append("\tgrant=").append(e.grant() ? "True" : "False").append('\n');
        }
        return out.append(".\n").toString();
    }

    private String grant(String caller, String line, List<String> words) {
        if (words.size() < 4 || (words.size() < 5 && !words.get(2).equalsIgnoreCase("grant"))) {
            return usage("acl grant <verb> <subject> <pattern>");
        }
        if (!acl.canGrant(caller)) {
            return "ERR PERMISSION_DENIED\n";
        }
        String verb = words.get(2).toLowerCase(java.util.Locale.ROOT);
        String target = words.get(3);
        // The pattern is the rest of the line as written: a regex may hold runs of spaces.
        String pattern = words.size() < 5 ? null : restAfterWords(line, 4);
        try {
            switch (verb) {
                case "invoke" -> acl.grantInvoke(target, pattern);
                case "register" -> acl.grantRegister(target, pattern);
                case "grant" -> acl.grantGrant(target);
                default -> {
                    return "ERR UNKNOWN_ACL_VERB\n";
                }
            }
        } catch (AclException e) {
            return "ERR UNABLE " + e.getMessage() + "\n";
        }
        return "OK\n";
    }

    /** Revoking one's own permissions needs no grant permission; anyone else's does. */
    private String revoke(String caller, String verbWord, String target) {
        if (target == null) {
            return "ERR PERMISSION_DENIED\n"; // a connection without a certificate has no subject to revoke
        }
        if (!target.equals(caller) && !acl.canGrant(caller)) {
            return "ERR PERMISSION_DENIED\n";
        }
        switch (verbWord.toLowerCase(java.util.Locale.ROOT)) {
            case "invoke" -> acl.revokeInvoke(target);
            case "register" -> acl.revokeRegister(target);
            case "grant" -> acl.revokeGrant(target);
            case "all" -> acl.revokeAll(target);
            default -> {
                return "ERR UNKNOWN_ACL_VERB\n";
            }
        }
        return "OK\n";
    }

    /** {@code line} after its first {@code n} space-separated words and the spaces that follow them. */
    static String restAfterWords(String line, int n) {
        int i = 0;
        for (int word = 0; word < n; word++) {
            while (i < line.length() && line.charAt(i) == ' ') {
                i++;
            }
            while (i < line.length() && line.charAt(i) != ' ') {
                i++;
            }
        }
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        return line.substring(i);
    }

    private static String usage(String usage) {
        return "ERR INVALID_ARGUMENTS " + usage.replace(' ', '+') + "\n";
    }
}
