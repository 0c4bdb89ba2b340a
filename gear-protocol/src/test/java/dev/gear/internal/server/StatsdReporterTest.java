package dev.gear.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.ConfigurationException;
import dev.gear.PacketType;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatsdReporterTest {
    private DatagramSocket statsd;

    @BeforeEach
    void listen() throws Exception {
        statsd = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        statsd.setSoTimeout(10_000);
    }

    @AfterEach
    void close() {
        statsd.close();
    }

    @Test
    void packetTimingAndCounterWithGearsKeys() throws Exception {
        try (StatsdReporter reporter = StatsdReporter.create("127.0.0.1", statsd.getLocalPort(), "geartest")) {
            reporter.packet(PacketType.SUBMIT_JOB, 2_700_000);
            reporter.packet(null, 10);
            assertThat(receive(4)).containsExactly("geartest.packet.SUBMIT_JOB:2|ms", "geartest.packet.SUBMIT_JOB:1|c",
                    "geartest.packet.UNKNOWN:0|ms", "geartest.packet.UNKNOWN:1|c");
        }
    }

    @Test
    void queueGauges() throws Exception {
        try (StatsdReporter reporter = StatsdReporter.create("127.0.0.1", statsd.getLocalPort(), "geartest")) {
            reporter.queue(3, 1, 2);
            assertThat(receive(3)).containsExactly("geartest.queue.total:3|g", "geartest.queue.running:1|g",
                    "geartest.queue.waiting:2|g");
        }
    }

    @Test
    void configuredFromGearsEnvironmentVariables() throws Exception {
        assertThat(StatsdReporter.fromEnvironment(Map.of())).isEmpty();
        assertThat(StatsdReporter.fromEnvironment(Map.of("STATSD_HOST", "127.0.0.1")).orElseThrow().target().getPort())
                .isEqualTo(8125);
        try (StatsdReporter reporter = StatsdReporter.fromEnvironment(
                Map.of("STATSD_HOST", "127.0.0.1", "STATSD_PORT", String.valueOf(statsd.getLocalPort())))
                .orElseThrow()) {
            reporter.packet(PacketType.CAN_DO, 0);
            assertThat(receive(1)).containsExactly("packet.CAN_DO:0|ms");
        }
        assertThatThrownBy(() -> StatsdReporter.fromEnvironment(Map.of("STATSD_HOST", "h", "STATSD_PORT", "eighty")))
                .isInstanceOf(ConfigurationException.class).hasMessage("STATSD_PORT must be a port number, got 'eighty'");
    }

    @Test
    void neverThrowsIntoTheCaller() throws Exception {
        int port = statsd.getLocalPort();
        statsd.close(); // nobody listens: ICMP port unreachable must not surface
        StatsdReporter reporter = StatsdReporter.create("127.0.0.1", port, null);
        for (int i = 0; i < 100; i++) {
            reporter.packet(PacketType.GRAB_JOB, 0);
        }
        reporter.close();
        reporter.queue(1, 1, 1); // after close: a no-op
        assertThat(reporter.dropped()).isGreaterThanOrEqualTo(0);
    }

    private List<String> receive(int count) throws Exception {
        List<String> stats = new ArrayList<>();
        byte[] buffer = new byte[1500];
        for (int i = 0; i < count; i++) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            statsd.receive(packet);
            stats.add(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
        }
        return stats;
    }
}
