package dev.gear.internal.server;

import dev.gear.ConfigurationException;
import dev.gear.PacketType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the server's statistics to statsd over UDP with gear's key names (gear-api.md §3.11):
 * for every packet received, a timer {@code <prefix>.packet.<TYPE>} in whole milliseconds and a
 * counter with the same key; after queue changes, the gauges {@code <prefix>.queue.total},
 * {@code .queue.running} and {@code .queue.waiting}. One stat per datagram.
 *
 * <p>Sending never blocks and never throws: a non-blocking {@link DatagramChannel} whose full
 * buffer or failed send drops the stat (counted in {@link #dropped()}, logged once). The host is
 * resolved once, when the reporter is made, as gear's statsd client does.
 */
public final class StatsdReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatsdReporter.class);
    public static final int DEFAULT_PORT = 8125;

    private final InetSocketAddress target;
    private final String keyPrefix;
    private final DatagramChannel channel;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean warned;

    private StatsdReporter(InetSocketAddress target, String prefix, DatagramChannel channel) {
        this.target = target;
        this.keyPrefix = prefix == null || prefix.isEmpty() ? "" : prefix + ".";
        this.channel = channel;
    }

    /**
     * A reporter to {@code host:port} with keys under {@code prefix} (null or empty for none).
     *
     * @throws ConfigurationException if the host does not resolve or no UDP socket can be opened
     */
    public static StatsdReporter create(String host, int port, String prefix) {
        if (port <= 0 || port > 65535) {
            throw new ConfigurationException("statsd port must be 1-65535, got " + port);
        }
        InetSocketAddress target;
        try {
            target = new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new ConfigurationException("cannot resolve the statsd host " + host + ": " + e.getMessage(), e);
        }
        try {
            DatagramChannel channel = DatagramChannel.open();
            channel.configureBlocking(false);
            return new StatsdReporter(target, prefix, channel);
        } catch (IOException e) {
            throw new ConfigurationException("cannot open a UDP socket for statsd: " + e.getMessage(), e);
        }
    }

    /**
     * gear's configuration: {@code STATSD_HOST} enables statsd, {@code STATSD_PORT} (default 8125)
     * and {@code STATSD_PREFIX} (optional) refine it. Empty when {@code STATSD_HOST} is unset or empty.
     *
     * @throws ConfigurationException if {@code STATSD_PORT} is not a port number or the host does not resolve
     */
    public static Optional<StatsdReporter> fromEnvironment(Map<String, String> env) {
        String host = env.get("STATSD_HOST");
        if (host == null || host.isBlank()) {
            return Optional.empty();
        }
        String portText = env.get("STATSD_PORT");
        int port = DEFAULT_PORT;
        if (portText != null && !portText.isBlank()) {
            try {
                port = Integer.parseInt(portText.trim());
            } catch (NumberFormatException e) {
                throw new ConfigurationException("STATSD_PORT must be a port number, got '" + portText + "'");
            }
        }
        return Optional.of(create(host.trim(), port, env.get("STATSD_PREFIX")));
    }

    public InetSocketAddress target() {
        return target;
    }

    /** A packet of {@code type} was handled in {@code elapsedNanos}; null type counts as {@code UNKNOWN}. */
    public void packet(PacketType type, long elapsedNanos) {
        String key = keyPrefix + "packet." + (type == null ? "UNKNOWN" : type.name());
        send(key + ":" + (elapsedNanos / 1_000_000L) + "|ms");
        send(key + ":1|c");
    }

    /** The queue gauges, after a submit, grab, completion, cancel or disconnect. */
    public void queue(long total, long running, long waiting) {
        send(keyPrefix + "queue.total:" + total + "|g");
        send(keyPrefix + "queue.running:" + running + "|g");
        send(keyPrefix + "queue.waiting:" + waiting + "|g");
    }

    /** Stats that could not be sent (socket buffer full, network error). */
    public long dropped() {
        return dropped.get();
    }

    private void send(String stat) {
        if (closed) {
            return;
        }
        try {
            if (channel.send(ByteBuffer.wrap(stat.getBytes(StandardCharsets.UTF_8)), target) == 0) {
                dropped.incrementAndGet();
            }
        } catch (IOException | RuntimeException e) {
            dropped.incrementAndGet();
            if (!warned) {
                warned = true; // once: a dead statsd must not flood the log at packet rate
                LOG.warn("cannot send stats to statsd at {}: {} (further failures are counted, not logged)", target,
                        e.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing the statsd socket: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "statsd " + target + (keyPrefix.isEmpty() ? "" : " prefix " + keyPrefix);
    }
}
