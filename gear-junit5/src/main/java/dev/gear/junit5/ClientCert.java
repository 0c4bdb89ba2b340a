package dev.gear.junit5;

import dev.gear.testkit.EmbeddedGearmanServer;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The certificate an injected {@code Client} or {@code Worker} parameter presents to a
 * {@link GearmanServer#tls() TLS} server: one issued by the test kit's CA with this common name,
 * which is the subject the server's {@link GearmanServer#acl() ACL} sees. Without it a client
 * presents CN {@value EmbeddedGearmanServer#DEFAULT_CLIENT_CN} and a worker CN
 * {@value EmbeddedGearmanServer#DEFAULT_WORKER_CN}.
 *
 * <pre>{@code
 * @GearmanServer(tls = true, acl = @GearmanServer.Acl(subject = "web", invoke = "resize"))
 * static EmbeddedGearmanServer server;
 *
 * @Test
 * void strangersMayNotSubmit(@ClientCert("intruder") Client intruder) { ... }
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
    /** The certificate's common name (CN). */
    String value();
}
