package dev.gear.testkit.internal;

import dev.gear.server.Acl;
import dev.gear.server.AclEntry;
import dev.gear.server.WorkerLossPolicy;
import dev.gear.testkit.TestCertificates;
import dev.gear.testkit.UnmatchedPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The settled options of one test server, as its builder left them at {@code build()}. Immutable:
 * the builder may be changed or reused afterwards, and the caller's {@link Acl} is copied into
 * {@link #aclEntries()}, so nothing a test does to either reaches a server already built.
 *
 * @param host              the loopback address to bind
 * @param port              the port asked for (0: any free one)
 * @param journalCapacity   events the journal keeps
 * @param defaultTimeout    the timeout of waits that take none, before the multiplier
 * @param timeoutMultiplier what every timeout is multiplied by
 * @param unmatchedPolicy   what happens to jobs nobody can take
 * @param workerLossPolicy  what the server does with a lost worker's jobs
 * @param name              for threads and messages
 * @param certificates      TLS material, or {@code null} for plain TCP
 * @param aclEntries        the ACL's entries as given, or {@code null} for no ACL
 * @param persistentQueue   an SQLite file keeping background jobs across restarts, or {@code null}
 */
public record KitOptions(String host, int port, int journalCapacity, Duration defaultTimeout,
        double timeoutMultiplier, UnmatchedPolicy unmatchedPolicy, WorkerLossPolicy workerLossPolicy, String name,
        TestCertificates certificates, List<AclEntry> aclEntries, java.nio.file.Path persistentQueue) {
    /** The certificate CN of the test kit's own connections; the ACL always gets an entry for it. */
    public static final String KIT_COMMON_NAME = "gear-testkit";
    /** The system property giving the default timeout multiplier. */
    public static final String TIMEOUT_MULTIPLIER_PROPERTY = "gear.testkit.timeout.multiplier";

    public KitOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(defaultTimeout, "defaultTimeout");
        Objects.requireNonNull(unmatchedPolicy, "unmatchedPolicy");
        Objects.requireNonNull(workerLossPolicy, "workerLossPolicy");
        Objects.requireNonNull(name, "name");
        aclEntries = aclEntries == null ? null : List.copyOf(aclEntries);
        if (aclEntries != null && certificates == null) {
            throw new IllegalStateException("an ACL identifies peers by their TLS client certificate: "
                    + "call tls() as well as acl(...)");
        }
    }

    /** A snapshot of {@code acl}'s entries (AclEntry is immutable), or {@code null}. */
    public static List<AclEntry> entriesOf(Acl acl) {
        return acl == null ? null : List.copyOf(acl.getEntries());
    }

    /**
     * A new live ACL for one server: the entries as given plus one for the kit's own CN (unless
     * the test wrote one). The server owns it, and admin {@code acl grant/revoke} change it.
     */
    public Acl newAcl() {
        if (aclEntries == null) {
            return null;
        }
        Acl acl = new Acl();
        aclEntries.forEach(acl::add);
        if (acl.getEntry(KIT_COMMON_NAME).isEmpty()) {
            acl.add(new AclEntry(KIT_COMMON_NAME, ".*", ".*", false));
        }
        return acl;
    }

    /** The default multiplier: the system property, or 1 when unset. */
    public static double defaultMultiplier() {
        String v = System.getProperty(TIMEOUT_MULTIPLIER_PROPERTY);
        if (v == null || v.isBlank()) {
            return 1.0;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (d > 0 && !Double.isInfinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("system property " + TIMEOUT_MULTIPLIER_PROPERTY
                + " must be a positive number, was '" + v + "'");
    }
}
