package dev.gear.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The certificate an injected {@code Client} or {@code Worker} parameter presents to a
 * {@link GearmanServer#tls() TLS} server: one issued by the test kit's CA with this common name,
 * which is the subject the server's ACL sees.
 *
 * <pre>{@code
 * @Test
 * void aliceMayNotRegister(@ClientCert("alice") Worker alice) { ... }
 * }</pre>
 *
 * Only valid with a TLS server; on a plain server the parameter fails to resolve and says so.
 *
 * @since 0.1
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ClientCert {
    /** The CN used when a TLS server's client or worker parameter has no {@code @ClientCert}: {@value}. */
    String DEFAULT_COMMON_NAME = "client";

    /** The certificate's common name (CN). */
    String value();
}
