package dev.gear.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Packet;
import dev.gear.PacketType;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server sends gear's statsd keys for real packets. */
class ServerStatsdTest {
    @Test
    void packetsAndQueueGaugesReachStatsd() throws Exception {
        try (DatagramSocket statsd = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                Server server = Server.builder().port(0).listenAddress("127.0.0.1")
                        .statsd("127.0.0.1", statsd.getLocalPort(), "geartest").build().start();
                Socket client = new Socket("127.0.0.1", server.port())) {
            statsd.setSoTimeout(10_000);
            OutputStream out = client.getOutputStream();
            out.write(Packet.request(PacketType.SUBMIT_JOB, "f", "u", "data").toBinary());
            out.flush();
            List<String> stats = new ArrayList<>();
            byte[] buffer = new byte[1500];
            while (!stats.contains("geartest.queue.waiting:1|g")) {
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                statsd.receive(p);
                stats.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
            }
            assertThat(stats).contains("geartest.packet.SUBMIT_JOB:1|c", "geartest.queue.total:1|g",
                    "geartest.queue.running:0|g");
            assertThat(stats).anyMatch(s -> s.matches("geartest\\.packet\\.SUBMIT_JOB:\\d+\\|ms"));
        }
    }
}
