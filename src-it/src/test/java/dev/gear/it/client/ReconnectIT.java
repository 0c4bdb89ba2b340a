package dev.gear.it.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.Client;
import dev.gear.ConnectionException;
import dev.gear.Job;
import dev.gear.Worker;
import dev.gear.WorkerJob;
import dev.gear.it.support.ServerLauncher;
import dev.gear.it.support.ServerUnderTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** A server stopped and restarted on the same port: jobs in flight fail, client and worker come back. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.gear.it.support.ServersUnderTest#perImplementation")
class ReconnectIT {
    @Parameter
    ServerLauncher launcher;

    @RegisterExtension
    final Fixture fx = new Fixture();

    @Test
    void clientAndWorkerReconnectAndJobsInFlightFail() {
        ServerUnderTest server = fx.server(launcher);
        Client client = fx.client(server);
        Worker worker = fx.worker(server);
        worker.registerFunction("f");

        Job running = client.submitJob(new Job("f", "running"));
        Job queued = client.submitJob(new Job("f", "queued"));
        WorkerJob inHand = worker.getJob(Fixture.TIMEOUT);
        assertThat(inHand.handle()).isEqualTo(running.handle());

        server.halt();
        for (Job job : List.of(running, queued)) {
            job.waitForCompletion(Fixture.TIMEOUT); // none hangs
            assertThat(job.isComplete()).isTrue();
            assertThat(job.isFailure()).isTrue();
            assertThat(job.failureReason()).contains("lost");
        }

        server.restart();
        client.waitForServer(Fixture.TIMEOUT);
        Job after = client.submitJob(new Job("f", "after"));
        WorkerJob next = worker.getJob(Fixture.TIMEOUT); // the worker re-registered "f" on its own
        assertThat(next.argumentsAsString()).isEqualTo("after");
        next.sendWorkComplete("ok");
        assertThat(after.waitForCompletion(Fixture.TIMEOUT).dataAsString()).isEqualTo("ok");
        assertThat(after.isFailure()).isFalse();

        // The job from before the restart belongs to a connection that is gone.
        assertThatThrownBy(() -> inHand.sendWorkComplete("late"))
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("lost");
    }
}
