package dev.gear.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Self-test of {@link GeardProcess}: port 0 read from the log, identity, and clean stops. */
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
        GeardProcess geard = GeardProcess.start();
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
}
