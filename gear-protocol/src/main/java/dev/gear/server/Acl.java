package dev.gear.server;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.UnaryOperator;

/**
 * An access control list: once a server has one, it denies by default. Only subjects (client
 * certificate common names) with an entry may register functions, submit jobs or change the ACL;
 * an empty ACL denies everything, and a connection without a certificate can do nothing. gear's
 * {@code ACL}.
 *
 * <p>Thread-safe: the server checks permissions on its event loop while the admin protocol or any
 * thread changes the list. Entries are immutable and replaced atomically, so a check sees either
 * the old or the new entry, never half of a change.
 */
public final class Acl {
    private final ConcurrentSkipListMap<String, AclEntry> entries = new ConcurrentSkipListMap<>();

    /** An empty ACL (which denies everything). */
    public Acl() {
    }

    /**
     * Adds an entry.
     *
     * @throws AclException if the subject already has one
     */
    public void add(AclEntry entry) {
        Objects.requireNonNull(entry, "entry");
        if (entries.putIfAbsent(entry.subject(), entry) != null) {
            throw new AclException("An ACL entry for " + entry.subject() + " already exists");
        }
    }

    /**
     * Removes the subject's entry.
     *
     * @throws AclException if there is none
     */
    public void remove(String subject) {
        if (subject == null || entries.remove(subject) == null) {
            throw new AclException("There is no ACL entry for " + subject);
        }
    }

    /** A snapshot of the entries, sorted by subject. */
    public List<AclEntry> getEntries() {
        return List.copyOf(entries.values());
    }

    /** The subject's entry, if it has one. */
    public Optional<AclEntry> getEntry(String subject) {
        return subject == null ? Optional.empty() : Optional.ofNullable(entries.get(subject));
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Whether {@code subject} may register {@code function}; false for an unknown or null subject. */
    public boolean canRegister(String subject, String function) {
        AclEntry entry = subject == null ? null : entries.get(subject);
        return entry != null && entry.canRegister(function);
    }

    /** Whether {@code subject} may submit (and cancel) jobs of {@code function}; false for an unknown or null subject. */
    public boolean canInvoke(String subject, String function) {
        AclEntry entry = subject == null ? null : entries.get(subject);
        return entry != null && entry.canInvoke(function);
    }

    /** Whether {@code subject} may grant and revoke permissions of others. */
    public boolean canGrant(String subject) {
        AclEntry entry = subject == null ? null : entries.get(subject);
        return entry != null && entry.canGrant();
    }

    /**
     * Lets {@code subject} invoke functions matching {@code regex}, replacing its invoke regex;
     * creates the entry if needed.
     *
     * @throws AclException if the regex does not compile
     */
    public void grantInvoke(String subject, String regex) {
        AclEntry changed = entry(subject).withInvoke(regex); // compiles (and fails) outside the map
        update(subject, e -> e.withInvoke(changed.invoke()));
    }

    /** Lets {@code subject} register functions matching {@code regex}; see {@link #grantInvoke}. */
    public void grantRegister(String subject, String regex) {
        AclEntry changed = entry(subject).withRegister(regex);
        update(subject, e -> e.withRegister(changed.register()));
    }

    /** Lets {@code subject} grant and revoke permissions of others. */
    public void grantGrant(String subject) {
        update(subject, e -> e.withGrant(true));
    }

    /** Takes away the invoke permission; an entry left empty is removed. Nothing happens for an unknown subject. */
    public void revokeInvoke(String subject) {
        revoke(subject, e -> e.withInvoke(null));
    }

    /** Takes away the register permission; see {@link #revokeInvoke}. */
    public void revokeRegister(String subject) {
        revoke(subject, e -> e.withRegister(null));
    }

    /** Takes away the grant permission; see {@link #revokeInvoke}. */
    public void revokeGrant(String subject) {
        revoke(subject, e -> e.withGrant(false));
    }

    /** Takes away every permission (the admin verb {@code all}): removes the entry if there is one. */
    public void revokeAll(String subject) {
        if (subject != null) {
            entries.remove(subject);
        }
    }

    private AclEntry entry(String subject) {
        Objects.requireNonNull(subject, "subject");
        AclEntry existing = entries.get(subject);
        return existing != null ? existing : AclEntry.of(subject);
    }

    private void update(String subject, UnaryOperator<AclEntry> change) {
        Objects.requireNonNull(subject, "subject");
        entries.compute(subject, (s, e) -> change.apply(e != null ? e : AclEntry.of(s)));
    }

    private void revoke(String subject, UnaryOperator<AclEntry> change) {
        if (subject == null) {
            return;
        }
        entries.computeIfPresent(subject, (s, e) -> {
            AclEntry changed = change.apply(e);
            return changed.isEmpty() ? null : changed;
        });
    }

    @Override
    public String toString() {
        return "Acl" + entries.values();
    }
}
