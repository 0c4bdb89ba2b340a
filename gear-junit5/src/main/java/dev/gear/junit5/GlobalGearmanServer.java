package dev.gear.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Injects the one server of the whole test run: a field (static or not) or a method parameter of
 * type {@code EmbeddedGearmanServer}. Nothing closes or resets it between tests; call
 * {@code server.reset()} where a test needs a clean journal and no stubs.
 *
 * <p>The server is started when the test plan starts, before any test class is initialized, and
 * closed when the plan ends, by a {@code TestExecutionListener} that {@code junit-platform-launcher}
 * finds on the class path (Maven Surefire, Gradle and IDEs bring it). Turn it on in
 * {@code src/test/resources/junit-platform.properties}:
 *
 * <pre>
 * gear.server.global.enabled=true
 * # optional:
 * gear.server.global.port=0          # 0 (default): a free port
 * gear.server.global.tls=false       # true: TLS with the test kit's generated certificates
 * gear.server.global.acl=src/test/resources/acl.ini   # gear's ACL file format (needs tls=true)
 * </pre>
 *
 * Its address is published as the system properties {@value #HOST_PROPERTY} and
 * {@value #PORT_PROPERTY} before any test class loads, so application configuration built from
 * them (a Spring context cached across test classes, a static initializer) sees it.
 *
 * <p>The listener is registered in {@code META-INF/services}, which the launcher reads when tests run on
 * the class path (Maven Surefire's and Gradle's default); tests on the module path have no
 * whole-run server.
 *
 * <p>Classes running in parallel share it: give each test its own function names, or serialize
 * them with {@code @ResourceLock("gear.server.global")}.
 *
 * @since 0.1
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(GearExtension.class)
public @interface GlobalGearmanServer {
    /** The system property that holds the whole-run server's host while the test plan runs. */
    String HOST_PROPERTY = "gear.server.host";
    /** The system property that holds the whole-run server's port while the test plan runs. */
    String PORT_PROPERTY = "gear.server.port";
}
