package dev.gear;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.server.Server;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A hook or listener that throws keeps neither the other listeners nor the job's completion from the event. */
class ClientListenerIsolationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aThrowingHookDoesNotKeepTheListenersFromTheEvent() {
        List<String> heard = new CopyOnWriteArrayList<>();
        ClientListener throwing = new ClientListener() {
            @Override
            public void onWorkComplete(Job job) {
                heard.add("first listener");
                throw new IllegalStateException("listener bug");
            }
        };
        ClientListener second = new ClientListener() {
            @Override
            public void onJobCreated(Job job) {
                heard.add("created");
            }

            @Override
            public void onWorkComplete(Job job) {
                heard.add("second listener");
            }
        };
        try (Server server = Server.builder().listenAddress("127.0.0.1").port(0).build().start();
                Worker worker = new Worker("isolation-worker");
                Client client = new Client(Client.builder().clientId("isolation").listener(throwing).listener(second)) {
                    @Override
                    protected void handleJobCreated(Job job) {
                        throw new IllegalStateException("hook bug");
                    }
                }) {
            worker.addServer("127.0.0.1", server.port());
            worker.registerFunction("f", job -> job.sendWorkComplete("done"));
            client.addServer("127.0.0.1", server.port());
            client.waitForServer(WAIT);

            Job job = client.submitJob(new Job("f", "x"));
            job.waitForCompletion(WAIT);

            assertThat(job.dataAsString()).isEqualTo("done");
            assertThat(heard).containsExactly("created", "first listener", "second listener");
        }
    }
}
