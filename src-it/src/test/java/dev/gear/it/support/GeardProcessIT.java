package dev.gear.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gear.Packet;
import dev.gear.PacketType;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Self-test of {@link GeardProcess}: port 0 read from the log, identity, and clean stops; and the
 * limit flags taking effect in a real geard process.
 */
class GeardProcessIT {

    @BeforeEach
    void jarIsBuilt() {
        assumeTrue(GeardProcess.unavailableReason().isEmpty(), () -> GeardProcess.unavailableReason().get());
    }

    @Test
    void startsOnPortZeroReportsItsPortAndExitsZeroOnSigterm() throws Exception {
        GeardProcess geard = GeardProcess.start();
        try (RawConnection connection = RawConnection.open(geard)) {
            assertThat(geard.port()).isPositive();
            assertThat(geard.output()).as("geard's output").anyMatch(line -> line.endsWith(
                    "geard listening on 127.0.0.1:" + geard.port()));
            assertThat(connection.adminLine("getpid")).isEqualTo("OK " + geard.processId());
            assertThat(geard.processId()).isNotEqualTo(ProcessHandle.current().pid());
        } finally {
            assertThat(geard.stop()).as("exit status after SIGTERM\n%s", geard.diagnostics()).isZero();
        }
        assertThat(geard.isAlive()).isFalse();
        geard.close(); // idempotent, and the status was 0
    }

    @Test
    void theShutdownAdminCommandEndsTheProcessWithStatusZero() throws Exception {
        GeardProcess geard = GeardProcess.start("--allow-admin-shutdown");
        try (RawConnection admin = RawConnection.open(geard)) {
            assertThat(admin.adminLine("shutdown")).isEqualTo("OK");
            admin.assertClosedByPeer(Duration.ofSeconds(10));
        }
        assertThat(geard.stop()).as("exit status after shutdown\n%s", geard.diagnostics()).isZero();
    }

    @Test
    void aFailedStartReportsWhatGeardPrinted() {
        assertThatThrownBy(() -> GeardProcess.start("--ssl-key", "/nonexistent/key.pem"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("geard exited before listening, with status 2")
                .hasMessageContaining("geard: error: --ssl-key, --ssl-cert and --ssl-ca must be given together");
    }

    @Test
    void maxConnectionsTwoServesTwoAndRefusesTheThird() throws Exception {
        try (GeardProcess geard = GeardProcess.start("--max-connections", "2");
                RawConnection first = RawConnection.open(geard);
                RawConnection second = RawConnection.open(geard)) {
            first.send(PacketType.ECHO_REQ, "first").expectPacket(PacketType.ECHO_RES, "first");
            second.send(PacketType.ECHO_REQ, "second").expectPacket(PacketType.ECHO_RES, "second");
            try (RawConnection third = RawConnection.open(geard)) {
                third.assertClosedByPeer(Duration.ofSeconds(10));
            }
            assertThat(first.adminList("workers")).as("the connections geard serves").hasSize(2);
            first.send(PacketType.ECHO_REQ, "still").expectPacket(PacketType.ECHO_RES, "still");
            second.send(PacketType.ECHO_REQ, "still").expectPacket(PacketType.ECHO_RES, "still");

            // The limit counts open connections: once one closes, a new one is served.
            second.close();
            first.awaitAdminList("workers", lines -> lines.size() == 1, "geard to see the second connection closed",
                    Duration.ofSeconds(10));
            try (RawConnection later = RawConnection.open(geard)) {
                later.send(PacketType.ECHO_REQ, "later").expectPacket(PacketType.ECHO_RES, "later");
            }
        }
    }

    @Test
    void sizeAndDurationFlagsWithUnitsTakeEffect() throws Exception {
        try (GeardProcess geard = GeardProcess.start("--max-packet-size", "1K", "--incomplete-frame-timeout", "300ms");
                RawConnection idle = RawConnection.open(geard)) {
            try (RawConnection big = RawConnection.open(geard)) {
                String oneK = "x".repeat(1024);
                big.send(PacketType.ECHO_REQ, oneK).expectPacket(PacketType.ECHO_RES, oneK);
                big.send(Packet.request(PacketType.ECHO_REQ, new byte[1025]));
                Packet error = big.expectPacket(PacketType.ERROR);
                assertThat(error.fieldString(0)).isEqualTo("ARGUMENT_TOO_LARGE");
                assertThat(error.fieldString(1)).contains("the limit is 1024 bytes");
                big.assertClosedByPeer(Duration.ofSeconds(10));
            }
            try (RawConnection stalled = RawConnection.open(geard)) {
                stalled.sendRaw(Arrays.copyOf(Packet.request(PacketType.ECHO_REQ, "x").toBinary(), 5));
                // The default is 60 s: only the flag's 300 ms closes it within this wait.
                stalled.assertClosedByPeer(Duration.ofSeconds(10));
            }
            idle.send(PacketType.ECHO_REQ, "idle is fine").expectPacket(PacketType.ECHO_RES, "idle is fine");
        }
    }

    @Test
    void aBadLimitValueStopsGeardWithAMessageNamingTheFlag() {
        assertThatThrownBy(() -> GeardProcess.start("--max-packet-size", "64MB"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("geard exited before listening, with status 2")
                .hasMessageContaining("geard: error: argument --max-packet-size: unknown unit 'MB' in '64MB'");
    }
}
