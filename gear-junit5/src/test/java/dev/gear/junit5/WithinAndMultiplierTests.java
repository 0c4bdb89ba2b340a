package dev.gear.junit5;

import static dev.gear.junit5.GearAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.testkit.EmbeddedGearmanServer;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code within(d)} is stretched by the server's timeout multiplier however busy the server is:
 * it used to give up after the unscaled time while events kept arriving (each event restarted
 * the wait with what was left of the unscaled deadline), exactly when a slow CI machine is busy.
 */
class WithinAndMultiplierTests {
    private final ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTraffic() {
        traffic.shutdownNow();
    }

    @Test
    void withinIsMultipliedWhileEventsKeepArriving() throws Exception {
        // 50 ms × 100 = 5 s. The job the assertion waits for arrives after 500 ms, ten times the
        // unscaled timeout and a tenth of the scaled one, while a job arrives every 10 ms.
        try (EmbeddedGearmanServer server = EmbeddedGearmanServer.builder().timeoutMultiplier(100).build().start()) {
            traffic.scheduleAtFixedRate(() -> server.submit("tick", "t"),
                    0, 10, TimeUnit.MILLISECONDS);
            traffic.schedule(() -> server.submit("render", "report"), 500, TimeUnit.MILLISECONDS);

            assertThat(server).within(Duration.ofMillis(50)).job("render").withPayload("report").wasSubmitted();
            assertThat(server).hasSubmitted("tick");
        }
    }

    @Test
    void theFailureShowsTheMultiplierInUse() {
        try (EmbeddedGearmanServer server = EmbeddedGearmanServer.builder().timeoutMultiplier(3).build().start()) {
            assertThatThrownBy(() -> assertThat(server).within(Duration.ofMillis(100)).job("never").isCompleted())
                    .hasMessageContaining("Expected a job for function 'never' in state COMPLETED within 300 ms"
                            + " (100 ms × timeout multiplier 3),");
            assertThatThrownBy(() -> assertThat(server).within(Duration.ofMillis(20)).hasWorkersFor("never", 1))
                    .hasMessageContaining("Expected 1 worker(s) for 'never' within 60 ms (20 ms × timeout multiplier 3),"
                            + " but 0 registered.");
        }
    }
}
