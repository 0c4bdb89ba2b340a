package dev.gear.it.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.Precedence;
import dev.gear.StatusAdminRequest;
import dev.gear.StatusRow;
import dev.gear.Worker;
import dev.gear.WorkerJob;
import dev.gear.it.support.Peers;
import dev.gear.it.support.RawConnection;
import dev.gear.it.support.ServerLauncher;
import dev.gear.it.support.ServerUnderTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Several servers per client or worker: round-robin, dead servers skipped, one job per getJob; coalescing. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.gear.it.support.ServersUnderTest#perImplementation")
class MultiServerIT {
    @Parameter
    ServerLauncher launcher;

    @RegisterExtension
    final Fixture fx = new Fixture();

    @Test
    void jobsSpreadRoundRobinOverConnectedServers() {
        ServerUnderTest a = fx.server(launcher);
        ServerUnderTest b = fx.server(launcher);
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

    @Test
    void deadServerIsSkipped() throws IOException {
        ServerUnderTest live = fx.server(launcher);
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

    @Test
    void oneWaitingGetJobTakesOneJobEvenWithWorkOnEveryServer() {
        ServerUnderTest a = fx.server(launcher);
        ServerUnderTest b = fx.server(launcher);
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

    @Test
    void coalescedSubmissionsAllReceiveTheResults() {
        ServerUnderTest server = fx.server(launcher);
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

    /**
     * The wire rule the client's coalescing relies on (docs/client.md, "Jobs"): a connection that
     * submitted the same unique twice gets every WORK_* packet twice, one copy per submission, each
     * copy in order. gearmand does so; our server must too.
     */
    @Test
    void twoSubmissionsOnOneConnectionGetOneCopyOfEachResultPerSubmission() {
        ServerUnderTest server = fx.server(launcher);
        try (Peers peers = new Peers(server)) {
            RawConnection client = peers.connect();
            String handle = Peers.submit(client, PacketType.SUBMIT_JOB, "co", "same-unique", "x");
            assertThat(Peers.submit(client, PacketType.SUBMIT_JOB, "co", "same-unique", "x")).isEqualTo(handle);
            RawConnection worker = peers.worker("co");
            assertThat(Peers.grabUniq(worker).fieldString(0)).isEqualTo(handle);
            worker.send(PacketType.WORK_DATA, handle, "part");
            worker.send(PacketType.WORK_COMPLETE, handle, "end");

            List<String> received = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Packet packet = client.nextFrame().packet();
                assertThat(packet).as("frame %d", i).isNotNull();
                assertThat(packet.fieldString(0)).isEqualTo(handle);
                received.add(packet.type() + " " + packet.fieldString(1));
            }
            assertThat(received).containsExactlyInAnyOrder("WORK_DATA part", "WORK_DATA part",
                    "WORK_COMPLETE end", "WORK_COMPLETE end");
            assertThat(received.get(0)).isEqualTo("WORK_DATA part");
            assertThat(received.get(3)).isEqualTo("WORK_COMPLETE end");
            client.assertNoReplyPending();
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
