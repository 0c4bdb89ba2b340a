package dev.gear.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gear.PacketType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Self-test of {@link GearmandProcess}: ports, identity, extra flags, and stopping by PID. */
class GearmandProcessIT {

    @BeforeEach
    void gearmandIsInstalled() {
        assumeTrue(GearmandProcess.unavailableReason().isEmpty(), () -> GearmandProcess.unavailableReason().get());
    }

    @Test
    void startsOnALoopbackPortBelowTheEphemeralRangeAndStopsOnClose() throws Exception {
        GearmandProcess gearmand = GearmandProcess.start();
        try (RawConnection connection = RawConnection.open(gearmand)) {
            assertThat(gearmand.host()).isEqualTo("127.0.0.1");
            assertThat(gearmand.port()).isBetween(20000, 32767);
            assertThat(connection.adminLine("getpid")).isEqualTo("OK " + gearmand.processId());
        } finally {
            gearmand.close();
        }
        assertThat(gearmand.isAlive()).as("gearmand still running after close()").isFalse();
        gearmand.close(); // idempotent
    }

    @Test
    void twoInstancesRunSideBySide() throws Exception {
        try (GearmandProcess first = GearmandProcess.start(); GearmandProcess second = GearmandProcess.start();
                RawConnection toFirst = RawConnection.open(first); RawConnection toSecond = RawConnection.open(second)) {
            assertThat(first.port()).isNotEqualTo(second.port());
            assertThat(toFirst.adminLine("getpid")).isEqualTo("OK " + first.processId());
            assertThat(toSecond.adminLine("getpid")).isEqualTo("OK " + second.processId());
        }
    }

    @Test
    void extraArgumentsReachGearmand() throws Exception {
        // --job-retries=1: a job whose worker dies once is failed instead of requeued.
        try (GearmandProcess gearmand = GearmandProcess.start("--job-retries=1"); Peers peers = new Peers(gearmand)) {
            assertThat(gearmand.command()).contains("--job-retries=1");
            RawConnection client = peers.connect();
            String handle = Peers.submit(client, PacketType.SUBMIT_JOB, "f", "", "x");
            RawConnection worker = peers.worker("f");
            Peers.grabUniq(worker);

            worker.close();

            client.expectPacket(PacketType.WORK_FAIL, handle);
        }
    }
}
