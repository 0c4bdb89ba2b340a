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

/** Self-test of {@link ServerUnderTest#halt()} and {@link ServerUnderTest#restart()} on every server implementation. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.gear.it.support.ServersUnderTest#perImplementation")
class ServerRestartIT {
    @Parameter
    ServerLauncher launcher;

    @Test
    void haltDropsConnectionsAndRestartServesTheSamePortWithEmptyState() throws Exception {
        try (ServerUnderTest server = launcher.start()) {
            int port = server.port();
            RawConnection before = RawConnection.open(server);
            before.send(PacketType.SUBMIT_JOB_BG, "f", "", "x");
            before.expectPacket(PacketType.JOB_CREATED);

            server.halt();
            before.assertClosedByPeer(Duration.ofSeconds(5));
            before.close();
            assertThatThrownBy(() -> RawConnection.open(server)).isInstanceOf(UncheckedIOException.class);
            server.halt(); // halting twice is harmless

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
