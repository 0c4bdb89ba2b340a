package dev.gear.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.PacketType;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Self-test of {@link ServerUnderTest#stop()} and {@link ServerUnderTest#restart()} on every server. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.gear.it.support.ServersUnderTest#available")
class ServerRestartIT {
    @Parameter
    ServerLauncher launcher;

    @Test
    void stopDropsConnectionsAndRestartServesTheSamePortWithEmptyState() throws Exception {
        try (ServerUnderTest server = launcher.start()) {
            int port = server.port();
            RawConnection before = RawConnection.open(server);
            before.send(PacketType.SUBMIT_JOB_BG, "f", "", "x");
            before.expectPacket(PacketType.JOB_CREATED);

            server.stop();
            before.assertClosedByPeer(Duration.ofSeconds(5));
            before.close();
            assertThatThrownBy(() -> RawConnection.open(server)).isInstanceOf(UncheckedIOException.class);
            server.stop(); // stopping twice is harmless

            server.restart();
            assertThat(server.port()).isEqualTo(port);
            try (RawConnection after = RawConnection.open(server)) {
                assertThat(after.adminLine("getpid")).isEqualTo("OK " + server.processId());
                assertThat(after.adminList("status")).noneMatch(line -> line.startsWith("f\t"));
            }
            assertThatThrownBy(server::restart).isInstanceOf(IllegalStateException.class).hasMessageContaining("running");
        }
    }

    @Test
    void aClosedServerCannotRestart() throws Exception {
        ServerUnderTest server = launcher.start();
        server.close();
        assertThatThrownBy(server::restart).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
