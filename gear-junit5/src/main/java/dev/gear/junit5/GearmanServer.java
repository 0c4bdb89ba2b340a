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
 *       methods and closed after {@code @AfterAll}; {@code @Nested} classes use it too;</li>
 *   <li>an instance field: a new server for every test, started before {@code @BeforeEach}
 *       (with {@code @TestInstance(PER_CLASS)}, one for the life of the instance);</li>
 *   <li>a parameter of a test or lifecycle method: a new server for that method's context.
 *       Constructor parameters are not supported.</li>
 * </ul>
 *
 * <h2>Creation</h2>
 * An empty field (or a parameter) gets a server built from this annotation's attributes. A field
 * the test already filled, e.g. with {@code EmbeddedGearmanServer.builder()…build()}, is only
 * started (unless already running) and closed; its attributes must then stay at their defaults.
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
     * Serve TLS with a required client certificate, using the test kit's generated
     * {@code TestCertificates}. Injected clients and workers then present a certificate whose CN is
     * given by {@link ClientCert} (default {@value ClientCert#DEFAULT_COMMON_NAME}).
     */
    boolean tls() default false;

    /**
     * ACL entries; when any is given, the server denies by default and allows only what an entry
     * grants to the subject (the client certificate's CN). Implies nothing about TLS: without TLS
     * no peer has a subject, so everything is denied.
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
     * One ACL entry, as gear's {@code ACLEntry}: what {@link #subject()} may do. Each pattern is a
     * regular expression matched against the start of a function name; empty means nothing.
     */
    @Target({})
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @interface Acl {
        /** The certificate CN this entry is for (a regular expression anchored at the start). */
        String subject();

        /** Functions the subject may register as a worker (CAN_DO). */
        String register() default "";

        /** Functions the subject may submit jobs for. */
        String invoke() default "";

        /** Whether the subject may change the ACL through the admin protocol. */
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
