package dev.gear.internal.client;

import dev.gear.internal.transport.ConnectionLimits;
import dev.gear.internal.transport.SocketSettings;
import java.time.Duration;

/**
 * Options shared by every server connection of one client or worker.
 *
 * @param clientId        sent with SET_CLIENT_ID; names the I/O thread
 * @param connectTimeout  how long one connect attempt may take
 * @param backoffMin      first delay before reconnecting after a failure or a drop
 * @param backoffMax      the delay doubles after each failed attempt up to this
 * @param requestTimeout  default wait for a server's answer in calls without a timeout argument
 * @param socketSettings  TCP options (TCP_NODELAY always; keepalive on request)
 * @param limits          packet, line and output limits per connection
 * @param verifyHostname  under TLS, check the server certificate names the host dialled
 */
public record PoolSettings(String clientId, Duration connectTimeout, Duration backoffMin, Duration backoffMax,
        Duration requestTimeout, SocketSettings socketSettings, ConnectionLimits limits, boolean verifyHostname) {
}
