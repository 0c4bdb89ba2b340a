package dev.gear.it.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.Precedence;
import dev.gear.StatusAdminRequest;
import dev.gear.StatusRow;
import dev.gear.Worker;
import dev.gear.WorkerJob;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Several servers per client or worker: round-robin, dead servers skipped, one job per getJob; coalescing. */
class MultiServerIT {
    private final Fixture fx = new Fixture();

    static List<TestServer.Kind> servers() {
        return TestServer.all();
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @ParameterizedTest
    @MethodSource("servers")
    void jobsSpreadRoundRobinOverConnectedServers(TestServer.Kind kind) {
        TestServer a = fx.server(kind);
        TestServer b = fx.server(kind);
        Client client = fx.client(a, b);
        awaitAllConnected(client);
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            jobs.add(client.submitJob(new Job("spread", "x"), true, Precedence.NORMAL, Fixture.TIMEOUT));
        }
        Map<Integer, Long> perPort = jobs.stream()
                .collect(Collectors.groupingBy(j -> j.connection().port(), Collectors.counting()));
        assertThat(perPort).containsOnlyKeys(a.port(), b.port());
        assertThat(perPort.values()).containsOnly(5L);
    }

    @ParameterizedTest
    @MethodSource("servers")
    void deadServerIsSkipped(TestServer.Kind kind) throws IOException {
        TestServer live = fx.server(kind);
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort(); // closed below: connecting there is refused
        }
        Client client = Client.builder().reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(100)).build();
        fx.add(client);
        client.addServer("127.0.0.1", deadPort);
        client.addServer("127.0.0.1", live.port());
        client.waitForServer(Fixture.TIMEOUT);
        Worker worker = fx.worker(live);
        worker.registerFunction("f");
        for (int i = 0; i < 6; i++) {
            Job job = client.submitJob(new Job("f", "n" + i));
            assertThat(job.connection().port()).isEqualTo(live.port());
            WorkerJob wj = worker.getJob(Fixture.TIMEOUT);
            wj.sendWorkComplete(wj.argumentsAsString());
            assertThat(job.waitForCompletion(Fixture.TIMEOUT).dataAsString()).isEqualTo("n" + i);
        }
    }

    @ParameterizedTest
    @MethodSource("servers")
    void oneWaitingGetJobTakesOneJobEvenWithWorkOnEveryServer(TestServer.Kind kind) {
        TestServer a = fx.server(kind);
        TestServer b = fx.server(kind);
        Client toA = fx.client(a);
        Client toB = fx.client(b);
        toA.submitJob(new Job("one", "a"), true, Precedence.NORMAL, Fixture.TIMEOUT);
        toB.submitJob(new Job("one", "b"), true, Precedence.NORMAL, Fixture.TIMEOUT);
        Worker worker = fx.worker(a, b);
        awaitAllConnected(worker.getConnections());
        worker.registerFunction("one");

        WorkerJob first = worker.getJob(Fixture.TIMEOUT);
        // gear would have grabbed from both servers; only one job may be running now.
        int running = running(toA, "one") + running(toB, "one");
        assertThat(running).isEqualTo(1);
        first.sendWorkComplete();
        WorkerJob second = worker.getJob(Fixture.TIMEOUT);
        assertThat(List.of(first.argumentsAsString(), second.argumentsAsString())).containsExactlyInAnyOrder("a", "b");
        second.sendWorkComplete();
    }

    @ParameterizedTest
    @MethodSource("servers")
    void coalescedSubmissionsAllReceiveTheResults(TestServer.Kind kind) {
        TestServer server = fx.server(kind);
        Client client = fx.client(server);
        Worker worker = fx.worker(server);
        Job first = client.submitJob(new Job("co", "data", "same-unique"));
        Job second = client.submitJob(new Job("co", "data", "same-unique"));
        assertThat(second.handle()).isEqualTo(first.handle());
        worker.registerFunction("co");
        WorkerJob wj = worker.getJob(Fixture.TIMEOUT);
        wj.sendWorkData("part");
        wj.sendWorkComplete("end");
        for (Job job : List.of(first, second)) {
            job.waitForCompletion(Fixture.TIMEOUT);
            assertThat(job.isFailure()).isFalse();
            assertThat(job.dataAsString()).isEqualTo("partend");
        }
    }

    private static int running(Client client, String function) {
        return client.getConnection().sendAdminRequest(new StatusAdminRequest(), Fixture.TIMEOUT).rows().stream()
                .filter(r -> r.function().equals(function)).mapToInt(StatusRow::running).sum();
    }

    private static void awaitAllConnected(Client client) {
        awaitAllConnected(client.getConnections());
    }

    /** Waits until every server of a client or worker is connected (they connect independently). */
    private static void awaitAllConnected(List<dev.gear.Connection> connections) {
        long deadline = System.nanoTime() + Fixture.TIMEOUT.toNanos();
        Function<List<dev.gear.Connection>, Boolean> all = l -> l.stream().allMatch(dev.gear.Connection::isConnected);
        while (!all.apply(connections)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not all connected: " + connections);
            }
            Thread.onSpinWait();
        }
    }
}
