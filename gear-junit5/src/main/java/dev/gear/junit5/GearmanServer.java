package dev.gear.junit5;

import dev.gear.testkit.EmbeddedGearmanServer;
import dev.gear.testkit.UnmatchedPolicy;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test a running {@link EmbeddedGearmanServer}: put it on a field or a method parameter of
 * type {@code EmbeddedGearmanServer}. No class-level registration is needed; the annotation
 * registers {@link GearExtension} itself.
 *
 * <pre>{@code
 * class ResizeTest {
 *     @GearmanServer
 *     static EmbeddedGearmanServer server;          // one server for the whole class
 *
 *     @Test
 *     void resizes(Client client) {                 // connected to that server, closed after the test
 *         server.stub("resize").willComplete("ok");
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <h2>Scope</h2>
 * <ul>
 *   <li>a {@code static} field: one server per test class, started before {@code @BeforeAll}
 *       methods and closed after {@code @AfterAll}; {@code @Nested} classes use it too. Test
 *       classes that inherit the field and run at the same time share its one server, which
 *       closes after the last of them;</li>
 *   <li>an instance field: a new server for every test, started before {@code @BeforeEach}
 *       (with {@code @TestInstance(PER_CLASS)}, one for the life of the instance, started before
 *       {@code @BeforeAll}, so {@code @BeforeAll} methods can use it);</li>
 *   <li>a parameter of a test or lifecycle method: a new server for that method's context.
 *       Constructor parameters are not supported.</li>
 * </ul>
 *
 * <h2>Creation</h2>
 * An empty field (or a parameter) gets a server built from this annotation's attributes. A field
 * the test already filled, e.g. with {@code EmbeddedGearmanServer.builder()…build()}, is only
 * started (unless already running) and closed; its attributes must then stay at their defaults.
 *
 * <h2>Parallel execution</h2>
 * Tests that run at the same time and see the same server share its queues, stubs and journal:
 * one test's stub may answer another's job, and counts include the other tests' jobs. Instance
 * fields and parameters give every test its own server. A static field is shared by the tests of
 * its class running in parallel, and a static field in a base class by the subclasses that run at
 * the same time (a subclass that runs later gets a new server), so a count that passes in a
 * sequential run can fail in a parallel one. For a shared server, give each test that stubs or
 * counts on it the same {@code @ResourceLock} and begin it with {@code server.reset()}.
 *
 * <h2>Restart and accepting</h2>
 * After {@code server.restart()} injected clients and workers reconnect in the background; call
 * their {@code waitForServer(timeout)} before the next submit. {@code server.setAccepting(false)}
 * leaves the port bound, so new connections still complete in the listen backlog.
 *
 * <h2>Clean-up</h2>
 * Servers, and the {@code Client} and {@code Worker} parameters connected to them, live in JUnit's
 * {@code ExtensionContext.Store} and are closed by JUnit when their scope ends, in reverse order
 * of creation. Nothing is kept in static or thread-local state, so classes and methods may run in
 * parallel. When a test fails, the journal of every server it could see is attached to the
 * failure as a suppressed exception.
 *
 * @since 0.1
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(GearExtension.class)
public @interface GearmanServer {
    /**
     * Serve TLS (1.3/1.2) with a required client certificate, using the test kit's JVM-wide
     * generated {@code TestCertificates} ({@code server.certificates()} gives its CA, contexts and
     * PEM files). Injected {@code Client} and {@code Worker} parameters then speak TLS and present
     * a certificate with the CN named by {@link ClientCert}, by default
     * {@value EmbeddedGearmanServer#DEFAULT_CLIENT_CN} for a client and
     * {@value EmbeddedGearmanServer#DEFAULT_WORKER_CN} for a worker.
     */
    boolean tls() default false;

    /**
     * ACL entries, as gear's {@code ACLEntry}: when any is given, the server denies by default and
     * allows a peer only what the entry for its client certificate's CN grants. A denied submit is
     * answered with ERROR {@code 0} "Permission denied by ACL" (the client throws
     * {@code GearmanErrorException}); a denied registration is ignored. Denials are journaled.
     * Requires {@link #tls()}, since the CN is the identity. The test kit adds an entry for its own
     * CN {@value EmbeddedGearmanServer#KIT_COMMON_NAME} so stubs and {@code server.submit(...)}
     * keep working.
     */
    Acl[] acl() default {};

    /** What the server does with the jobs of a worker it loses. */
    WorkerLoss workerLoss() default WorkerLoss.FAIL_FOREGROUND;

    /**
     * With a requeueing {@link #workerLoss()}: how many times one job may be requeued before its
     * clients get WORK_FAIL; negative (the default) means no cap.
     */
    int maxRetries() default -1;

    /** What happens to a job that no worker or stub can take when it is submitted. */
    UnmatchedPolicy unmatched() default UnmatchedPolicy.QUEUE;

    /** How many journal events the server keeps before dropping the oldest. */
    int journalCapacity() default 10_000;

    /**
     * One ACL entry, as gear's {@code ACLEntry}: what {@link #subject()} may do. {@link #register()}
     * and {@link #invoke()} are regular expressions matched against the start of a function name
     * ({@code "resize"} also allows {@code "resize_v2"}; end with {@code $} to stop that); empty
     * means nothing.
     */
    @Target({})
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @interface Acl {
        /** The client certificate CN this entry is for (compared as is, not a pattern); one entry per CN. */
        String subject();

        /** Functions the subject may register as a worker (CAN_DO), as a regular expression. */
        String register() default "";

        /** Functions the subject may submit (and cancel) jobs for, as a regular expression. */
        String invoke() default "";

        /** Whether the subject may change the ACL through the admin protocol ({@code acl grant/revoke}). */
        boolean grant() default false;
    }

    /** The worker-loss policies most tests need; see {@code dev.gear.server.WorkerLossPolicy}. */
    enum WorkerLoss {
        /** Foreground jobs fail (their clients get WORK_FAIL), background jobs are requeued. gear's default. */
        FAIL_FOREGROUND,
        /** Every job goes back to its queue, as gearmand does. */
        REQUEUE_ALL
    }
}
