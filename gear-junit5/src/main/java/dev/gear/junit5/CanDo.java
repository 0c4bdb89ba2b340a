package dev.gear.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The functions an injected {@code Worker} parameter registers before the test starts. The
 * parameter resolves only once the server has recorded every registration, so a job submitted
 * by the test finds the worker (no race with CAN_DO).
 *
 * <pre>{@code
 * @Test
 * void reverses(@CanDo("reverse") Worker worker) { ... }
 * }</pre>
 *
 * @since 0.1
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface CanDo {
    /** Function names, registered in this order. */
    String[] value();
}
