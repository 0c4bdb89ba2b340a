package dev.gear.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.ClientListener;
import dev.gear.GearmanException;
import dev.gear.Job;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.transport.ConnectionLimits;
import dev.gear.internal.transport.SocketSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ClientCoreShutdownTest {
    private static final Duration LONG = Duration.ofMinutes(10);

    /**
     * A submission whose caller checked "not shut down" just before another thread shut the client
     * down reaches the core after its I/O loop has ended; the loop drops the drain task then, so
     * without care the future stayed pending forever (its timeout only starts once it is sent).
     */
    @Test
    void aSubmissionArrivingAfterShutdownFailsInsteadOfHanging() throws Exception {
        ClientCore core = new ClientCore("gear-client-shutdown-test",
                new PoolSettings("shutdown-test", LONG, Duration.ofMillis(10), Duration.ofSeconds(1), LONG,
                        SocketSettings.DEFAULTS, ConnectionLimits.DEFAULTS, false),
                new JobEvents(new ClientListener[0]), false, true, null);
        core.pool().close("test shut down");

        JobProgress state = new JobProgress(new Job("f", "x"));
        state.beginSubmit(false);
        Packet packet = Packet.request(PacketType.SUBMIT_JOB, "f".getBytes(StandardCharsets.UTF_8), new byte[0],
                "x".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<Job> submitted = core.submit(state, packet, LONG);

        assertThat(submitted).as("ended, not pending").isDone();
        assertThatThrownBy(() -> submitted.get(0, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(GearmanException.class).hasMessageContaining("client is shut down");
    }
}
