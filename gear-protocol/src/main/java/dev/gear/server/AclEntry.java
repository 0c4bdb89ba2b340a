package dev.gear.server;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What one certificate subject (the client certificate's common name) may do: register functions
 * whose names match {@code register}, invoke (submit, and cancel) functions matching
 * {@code invoke}, and grant or revoke permissions of others when {@code grant} is set. gear's
 * {@code ACLEntry}.
 *
 * <p>Regexes match from the start of the name, like Python's {@code re.match}
 * ({@link java.util.regex.Matcher#lookingAt()}): {@code foo.*} matches {@code foo} and
 * {@code foo-bar} but not {@code bar-foo}, and {@code foo} also matches {@code foobar}; anchor with
 * {@code $} to match a whole name. A null (or blank) regex grants nothing.
 *
 * <p>Immutable: the {@code with...} methods return a changed copy, and {@link Acl} swaps entries
 * atomically, so a server can check permissions without locks while an admin changes them.
 */
public final class AclEntry {
    private final String subject;
    private final String register;
    private final String invoke;
    private final boolean grant;
    private final Pattern registerPattern;
    private final Pattern invokePattern;

    /**
     * @param subject  the certificate common name this entry applies to
     * @param register regex of the functions the subject may register, or null for none
     * @param invoke   regex of the functions the subject may submit and cancel, or null for none
     * @param grant    whether the subject may grant and revoke permissions of others
     * @throws AclException if a regex does not compile, naming the regex and the reason
     */
    public AclEntry(String subject, String register, String invoke, boolean grant) {
        this.subject = Objects.requireNonNull(subject, "subject");
        this.register = blankToNull(register);
        this.invoke = blankToNull(invoke);
        this.grant = grant;
        this.registerPattern = compile(subject, "register", this.register);
        this.invokePattern = compile(subject, "invoke", this.invoke);
    }

    /** An entry that grants nothing (yet). */
    public static AclEntry of(String subject) {
        return new AclEntry(subject, null, null, false);
    }

    public String subject() {
        return subject;
    }

    /** The register regex, or null when the subject may register nothing. */
    public String register() {
        return register;
    }

    /** The invoke regex, or null when the subject may invoke nothing. */
    public String invoke() {
        return invoke;
    }

    public boolean grant() {
        return grant;
    }

    /** Whether this entry grants nothing at all; {@link Acl} drops entries that a revoke leaves empty. */
    public boolean isEmpty() {
        return register == null && invoke == null && !grant;
    }

    /** Whether the subject may register (CAN_DO) {@code name}. */
    public boolean canRegister(String name) {
        return registerPattern != null && registerPattern.matcher(name).lookingAt();
    }

    /** Whether the subject may submit jobs for, and cancel queued jobs of, {@code name}. */
    public boolean canInvoke(String name) {
        return invokePattern != null && invokePattern.matcher(name).lookingAt();
    }

    public boolean canGrant() {
        return grant;
    }

    public AclEntry withRegister(String regex) {
        return new AclEntry(subject, regex, invoke, grant);
    }

    public AclEntry withInvoke(String regex) {
        return new AclEntry(subject, register, regex, grant);
    }

    public AclEntry withGrant(boolean value) {
        return new AclEntry(subject, register, invoke, value);
    }

    private static String blankToNull(String regex) {
        return regex == null || regex.isBlank() ? null : regex;
    }

    private static Pattern compile(String subject, String permission, String regex) {
        if (regex == null) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new AclException("invalid " + permission + " regex '" + regex + "' for subject " + subject + ": "
                    + e.getDescription() + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AclEntry other)) {
            return false;
        }
        return subject.equals(other.subject) && Objects.equals(register, other.register)
                && Objects.equals(invoke, other.invoke) && grant == other.grant;
    }

    @Override
    public int hashCode() {
        return Objects.hash(subject, register, invoke, grant);
    }

    @Override
    public String toString() {
        return "AclEntry[" + subject + " register=" + register + " invoke=" + invoke + " grant=" + grant + "]";
    }
}
