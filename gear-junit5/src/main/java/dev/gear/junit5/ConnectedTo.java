package dev.gear.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Which server an injected {@code Client} or {@code Worker} parameter connects to when several
 * {@link GearmanServer} fields are in scope: the value is the field's name. Without it, a
 * parameter with more than one server in scope fails to resolve and lists them.
 *
 * <pre>{@code
 * @GearmanServer static EmbeddedGearmanServer scheduler;
 * @GearmanServer static EmbeddedGearmanServer executor;
 *
 * @Test
 * void buildsAreDispatched(@ConnectedTo("scheduler") Client zuul,
 *         @ConnectedTo("executor") @CanDo("build") Worker builder) { ... }
 * }</pre>
 *
 * A name that matches no field in scope (or several, e.g. in an enclosing and a nested class) fails
 * the parameter with a message listing the servers in scope. Combines with {@link ClientCert} and
 * {@link CanDo}.
 *
 * @since 0.2
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ConnectedTo {
    /** The name of the {@code @GearmanServer} field to connect to. */
    String value();
}
