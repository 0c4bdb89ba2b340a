package dev.gear.testkit;

import dev.gear.server.Acl;
import dev.gear.server.WorkerLossPolicy;
import dev.gear.testkit.internal.Durations;
import dev.gear.testkit.internal.KitOptions;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * The settings {@link EmbeddedGearmanServer.Builder} offers, in a class of their own so that the
 * server class holds only what a running server does. Package-private: users see these methods
 * on {@code EmbeddedGearmanServer.Builder}, which {@code B} is.
 *
 * @param <B> the builder type the setters return
 */
abstract sealed class ServerSettings<B extends ServerSettings<B>> permits EmbeddedGearmanServer.Builder {
    private String host = InetAddress.getLoopbackAddress().getHostAddress();
    private int port;
    private int journalCapacity = 10_000;
    private Duration defaultTimeout = Duration.ofSeconds(5);
    private double timeoutMultiplier = KitOptions.defaultMultiplier();
    private UnmatchedPolicy unmatchedPolicy = UnmatchedPolicy.QUEUE;
    private WorkerLossPolicy workerLossPolicy = WorkerLossPolicy.DEFAULT;
    private java.nio.file.Path persistentQueue;
    private String name = Integer.toHexString(System.identityHashCode(this));
    private TestCertificates certificates;
    private Acl acl;

    /**
     * A fixed port instead of port 0. Tests should keep port 0: a fixed port collides with
     * parallel builds; this is for reproducing a setup that needs one.
     */
    public B port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        this.port = port;
        return self();
    }

    /** How many events the journal keeps before dropping the oldest. */
    public B journalCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("journal capacity must be at least 1, was " + capacity);
        }
        this.journalCapacity = capacity;
        return self();
    }

    /** The timeout of waits that take none, before the multiplier. */
    public B defaultTimeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("default timeout must be positive, was " + Durations.human(timeout));
        }
        this.defaultTimeout = timeout;
        return self();
    }

    /**
     * Multiplies every timeout of the server's waits and of the {@code within(…)} assertions,
     * for slow CI machines. Default from {@value EmbeddedGearmanServer#TIMEOUT_MULTIPLIER_PROPERTY}.
     */
    public B timeoutMultiplier(double multiplier) {
        if (!(multiplier > 0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("timeout multiplier must be a positive number, was " + multiplier);
        }
        this.timeoutMultiplier = multiplier;
        return self();
    }

    /** What happens to jobs no worker or stub can take when submitted. */
    public B unmatchedPolicy(UnmatchedPolicy policy) {
        this.unmatchedPolicy = Objects.requireNonNull(policy, "policy");
        return self();
    }

    /** What the server does with a lost worker's jobs. */
    public B workerLossPolicy(WorkerLossPolicy policy) {
        this.workerLossPolicy = Objects.requireNonNull(policy, "policy");
        return self();
    }

    /**
     * TLS with a required client certificate, using the JVM-wide {@link TestCertificates#get()}
     * (generated on first use; see there for its cost). Clients are identified by their certificate's CN.
     */
    public B tls() {
        return tls(TestCertificates.get());
    }

    /** TLS with a required client certificate, using {@code certificates}. */
    public B tls(TestCertificates certificates) {
        this.certificates = Objects.requireNonNull(certificates, "certificates");
        return self();
    }

    /**
     * Enforces a copy of {@code acl} (deny by default; identity = client certificate CN, so use
     * with {@link #tls()}). The server's copy gets an entry for {@value EmbeddedGearmanServer#KIT_COMMON_NAME}
     * so the kit's stubs and submissions keep working, and admin {@code acl grant/revoke} change
     * that copy, never {@code acl} itself.
     */
    public B acl(Acl acl) {
        this.acl = Objects.requireNonNull(acl, "acl");
        return self();
    }

    /**
     * Keeps background jobs in an SQLite file (gearmand's {@code -q libsqlite3} table), so that
     * {@link EmbeddedGearmanServer#restart()} brings them back: for tests of client and worker
     * behaviour across a durable restart. JOB_CREATED for a background job is then sent once its
     * row is durable. Needs {@code org.xerial:sqlite-jdbc} on the test class path (an optional
     * dependency of the kit); without it {@code start()} says so. Default: none, jobs in memory.
     */
    public B persistentQueue(java.nio.file.Path file) {
        this.persistentQueue = Objects.requireNonNull(file, "file");
        return self();
    }

    /** A name for threads and messages (default: a hex id). */
    public B name(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return self();
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The settings as an immutable value; the ACL's entries are copied. */
    final KitOptions settle() {
        return new KitOptions(host, port, journalCapacity, defaultTimeout, timeoutMultiplier, unmatchedPolicy,
                workerLossPolicy, name, certificates, KitOptions.entriesOf(acl), persistentQueue);
    }
}
