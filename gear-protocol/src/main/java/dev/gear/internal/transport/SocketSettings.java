package dev.gear.internal.transport;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;

/**
 * Options applied to every socket: TCP_NODELAY always (without it each request/response costs
 * ~40 ms of Nagle plus delayed ACK, which is exactly what caps gear), TCP keepalive on request.
 *
 * @param keepalive        whether to set SO_KEEPALIVE
 * @param keepaliveIdle    idle time before the first probe (TCP_KEEPIDLE)
 * @param keepaliveInterval time between probes (TCP_KEEPINTVL)
 * @param keepaliveCount   unanswered probes before the connection is dropped (TCP_KEEPCNT)
 */
public record SocketSettings(boolean keepalive, Duration keepaliveIdle, Duration keepaliveInterval, int keepaliveCount) {
    /** gear's defaults: keepalive off; 7200 s idle, 75 s interval, 9 probes when turned on. */
    public static final SocketSettings DEFAULTS =
            new SocketSettings(false, Duration.ofSeconds(7200), Duration.ofSeconds(75), 9);

    void applyTo(NetworkChannel channel) throws IOException {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (keepalive) {
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            if (channel.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
                channel.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, (int) keepaliveIdle.toSeconds());
                channel.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, (int) keepaliveInterval.toSeconds());
                channel.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, keepaliveCount);
            }
        }
    }
}
