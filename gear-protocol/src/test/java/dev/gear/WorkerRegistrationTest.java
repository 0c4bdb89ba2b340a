package dev.gear;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.server.FunctionStatus;
import dev.gear.server.Server;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A function is announced once per connection, however registration and connecting interleave. */
class WorkerRegistrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void registeringRightAfterConnectingCountsOneWorker() {
        try (Server server = Server.builder().listenAddress("127.0.0.1").port(0).build().start()) {
            for (int i = 0; i < 30; i++) {
                try (Worker worker = new Worker("reg-" + i)) {
                    worker.addServer("127.0.0.1", server.port());
                    if (i % 2 == 0) {
                        worker.waitForServer(TIMEOUT); // register while the greeting may still run
                    }
                    worker.registerFunction("fn-" + i);
                    worker.waitForServer(TIMEOUT);
                    // The echo travels behind the CAN_DOs on the same connection: once it is
                    // answered, the server has seen every registration.
                    worker.getConnection().echo("barrier".getBytes(StandardCharsets.UTF_8), TIMEOUT);
                    assertThat(server.snapshot().function("fn-" + i)).map(FunctionStatus::workers)
                            .as("workers counted for fn-%d", i).contains(1);
                }
            }
        }
    }
}
