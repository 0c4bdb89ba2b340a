package dev.gear.internal.server;

import dev.gear.server.ExceptionForwarding;
import dev.gear.server.WorkerLossPolicy;
import dev.gear.internal.transport.NioConnection;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the server core needs to know besides its sockets; built by {@code Server.Builder}.
 *
 * @param maxUniqueLength     longest unique id accepted, in bytes (gearmand: 64)
 * @param workerLossPolicy    what happens to a lost worker's jobs
 * @param exceptionForwarding who receives WORK_EXCEPTION
 * @param handlePrefix        replaces {@code H:<peer ip>} in job handles, or {@code null}
 * @param version             what the {@code version} admin command reports
 * @param permissions         the ACL hook
 * @param subjectResolver     the authenticated identity of a new connection ({@code null} for plain TCP);
 *                            asked once the connection is open (after its TLS handshake)
 * @param statsd              where packet and queue statistics go, or {@code null}
 * @param adminShutdown       whether the {@code shutdown} admin command may stop the server
 */
public record ServerConfig(int maxUniqueLength, WorkerLossPolicy workerLossPolicy,
        ExceptionForwarding exceptionForwarding, String handlePrefix, String version, PermissionPolicy permissions,
        Function<NioConnection, String> subjectResolver, StatsdReporter statsd, boolean adminShutdown) {
    public ServerConfig {
        Objects.requireNonNull(workerLossPolicy, "workerLossPolicy");
        Objects.requireNonNull(exceptionForwarding, "exceptionForwarding");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(permissions, "permissions");
        Objects.requireNonNull(subjectResolver, "subjectResolver");
    }
}
