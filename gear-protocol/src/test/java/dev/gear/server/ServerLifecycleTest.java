package dev.gear.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.ConnectionException;
import dev.gear.PacketType;
import dev.gear.Precedence;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Binding, closing, snapshots. */
class ServerLifecycleTest {

    private static Server.Builder loopback() {
        return Server.builder().port(0).listenAddress("127.0.0.1");
    }

    @Test
    void closeReleasesThePortAndTheThread() {
        Server first = loopback().serverId("release-test").build().start();
        int port = first.port();
        assertThat(port).isPositive();
        first.close();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("gear-server-release-test"));
        assertThat(first.terminated()).isDone();
        first.close(); // idempotent
        try (Server second = Server.builder().port(port).listenAddress("127.0.0.1").build().start()) {
            assertThat(second.port()).isEqualTo(port);
            try (RawClient c = RawClient.connect(second)) {
                c.send(PacketType.ECHO_REQ, "x").expect(PacketType.ECHO_RES, "x");
            }
        }
    }

    @Test
    void bindErrorsAreThrownInTheCallersThreadNamingTheAddress() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Server server = Server.builder().port(port).listenAddress("127.0.0.1").build();
            assertThatThrownBy(server::start)
                    .isInstanceOf(ConnectionException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + port + ": ");
            assertThat(server.isRunning()).isFalse();
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
        }
        assertThatThrownBy(() -> Server.builder().port(0).listenAddress("no-such-host.invalid").build().start())
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("no-such-host.invalid");
    }

    @Test
    void listensOnIpv4AndIpv6OnTheSamePort() {
        Assumptions.assumeTrue(ipv6LoopbackWorks(), "no IPv6 loopback here");
        try (Server server = Server.builder().port(0).listenAddress("127.0.0.1").listenAddress("::1").build()
                .start()) {
            assertThat(server.addresses()).hasSize(2);
            assertThat(server.addresses().get(1).getPort()).isEqualTo(server.port());
            try (RawClient v6 = RawClient.connect(InetAddress.getByName("::1"), server.port());
                    RawClient v4 = RawClient.connect(server)) {
                String h = v6.submit(PacketType.SUBMIT_JOB_BG, "f", "", "x");
                assertThat(h).isEqualTo("H:0:0:0:0:0:0:0:1:1");
                v4.canDo("f");
                assertThat(v4.grab().fieldString(0)).isEqualTo(h);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void snapshotsShowQueuesRunningJobsAndConnections() {
        try (Server server = loopback().handlePrefix("H:test").build().start();
                RawClient client = RawClient.connect(server);
                RawClient worker = RawClient.connect(server)) {
            client.send(PacketType.SET_CLIENT_ID, "the-client");
            String a = client.submit(PacketType.SUBMIT_JOB_LOW_BG, "f", "u-a", "A");
            String b = client.submit(PacketType.SUBMIT_JOB_HIGH, "f", "", "B");
            String c = client.submit(PacketType.SUBMIT_JOB, "g", "", "C");
            assertThat(a).isEqualTo("H:test:1");
            worker.send(PacketType.SET_CLIENT_ID, "the-worker");
            worker.canDo("f");
            assertThat(worker.grab().fieldString(0)).isEqualTo(b);

            ServerSnapshot s = server.snapshot();
            assertThat(s.queuedJobs()).extracting(JobSnapshot::handle).containsExactly(c, a);
            assertThat(s.queuedJobs("f", Precedence.LOW)).singleElement().satisfies(j -> {
                assertThat(j.unique()).isEqualTo("u-a");
                assertThat(j.payloadString()).isEqualTo("A");
                assertThat(j.background()).isTrue();
                assertThat(j.submitterClientId()).isEqualTo("the-client");
                assertThat(j.submitterAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
                assertThat(j.waitingClients()).isZero();
            });
            ConnectionSnapshot workerConn = s.workers().get(0);
            assertThat(workerConn.clientId()).isEqualTo("the-worker");
            assertThat(workerConn.runningJobs()).containsExactly(b);
            assertThat(workerConn.subject()).isNull();
            assertThat(s.runningJobs()).singleElement().satisfies(j -> {
                assertThat(j.handle()).isEqualTo(b);
                assertThat(j.workerConnectionId()).isEqualTo(workerConn.id());
                assertThat(j.waitingClients()).isEqualTo(1);
            });
            assertThat(s.function("f")).contains(new FunctionStatus("f", 2, 1, 1, 0, 0, 1, 0));
            assertThat(s.function("g")).contains(new FunctionStatus("g", 1, 0, 0, 0, 1, 0, 0));
            assertThat(s.connections()).hasSize(2);
            assertThatThrownBy(() -> s.jobs().clear()).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void snapshotOfAStoppedServerFailsClearly() {
        Server server = loopback().build();
        assertThatThrownBy(server::snapshot).isInstanceOf(IllegalStateException.class).hasMessage("server not started");
        server.start().close();
        assertThatThrownBy(server::snapshot).isInstanceOf(IllegalStateException.class).hasMessage("server is stopped");
    }

    @Test
    void gracefulShutdownThroughTheApi() throws Exception {
        Server server = loopback().build().start();
        try (RawClient worker = RawClient.connect(server); RawClient client = RawClient.connect(server)) {
            worker.canDo("f");
            String h = client.submit(PacketType.SUBMIT_JOB, "f", "", "x");
            worker.grab();
            var done = server.shutdown(true);
            client.sync();
            assertThat(done).isNotDone();
            worker.send(PacketType.WORK_COMPLETE, h, "");
            done.get(10, TimeUnit.SECONDS);
            assertThat(server.isRunning()).isFalse();
        } finally {
            server.close();
        }
    }

    @Test
    void builderRejectsNonsense() {
        assertThatThrownBy(() -> Server.builder().port(70000)).hasMessage("port must be in [0, 65535], was 70000");
        assertThatThrownBy(() -> Server.builder().handlePrefix("has space"))
                .hasMessageContaining("printable ASCII characters without spaces");
        assertThatThrownBy(() -> WorkerLossPolicy.requeueAll(-1)).hasMessage("maxRetries must be >= 0, was -1");
    }

    private static boolean ipv6LoopbackWorks() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
