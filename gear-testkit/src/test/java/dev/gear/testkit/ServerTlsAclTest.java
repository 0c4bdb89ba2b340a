package dev.gear.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.codec.DecodeError;
import dev.gear.internal.transport.ConnectionHandler;
import dev.gear.internal.transport.ConnectionLimits;
import dev.gear.internal.transport.EventLoop;
import dev.gear.internal.transport.NioConnection;
import dev.gear.internal.transport.SocketSettings;
import dev.gear.internal.transport.TlsSettings;
import dev.gear.internal.server.ServerAccess;
import dev.gear.internal.server.ServerEvent;
import dev.gear.server.Acl;
import dev.gear.server.AclEntry;
import dev.gear.server.ConnectionSnapshot;
import dev.gear.server.Server;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server's ACL over real TLS: identity = client certificate CN, gear's checks and admin commands. */
class ServerTlsAclTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final TestCertificates CERTS = TestCertificates.get();

    private Acl acl;
    private Server server;
    private EventLoop loop;

    @BeforeEach
    void start() {
        acl = new Acl();
        acl.add(new AclEntry("worker", "test.*", null, false));
        acl.add(new AclEntry("client", null, "test.*", false));
        acl.add(new AclEntry("manager", null, null, true));
        server = Server.builder().port(0).listenAddress("127.0.0.1").tls(CERTS.serverContext()).acl(acl).adminShutdown(true).build()
                .start();
        loop = new EventLoop("acl-test-clients");
    }

    @AfterEach
    void stop() {
        loop.close();
        server.close();
    }

    @Test
    void submitNeedsInvokePermission() throws Exception {
        Conn client = open("client");
        Conn stranger = open("stranger");
        Conn worker = open("worker");

        assertThat(client.submit("test-fn").type()).isEqualTo(PacketType.JOB_CREATED);
        assertDenied(stranger.submit("test-fn"));
        assertDenied(client.submit("other-fn")); // regex anchored at the start: not test.*
        assertDenied(worker.submit("test-fn")); // register does not imply invoke
        for (PacketType type : List.of(PacketType.SUBMIT_JOB_BG, PacketType.SUBMIT_JOB_HIGH,
                PacketType.SUBMIT_JOB_HIGH_BG, PacketType.SUBMIT_JOB_LOW, PacketType.SUBMIT_JOB_LOW_BG)) {
            assertDenied(stranger.request(Packet.request(type, "test-fn", "u-" + type, "data")));
        }
    }

    @Test
    void canDoNeedsRegisterPermissionAndIsSilentlyIgnoredOtherwise() throws Exception {
        Conn worker = open("worker");
        Conn stranger = open("stranger");
        worker.send(Packet.request(PacketType.CAN_DO, "test-fn"));
        worker.send(Packet.request(PacketType.CAN_DO, "other-fn"));
        stranger.send(Packet.request(PacketType.CAN_DO, "test-fn"));
        worker.echo(); // the server has handled everything sent before
        stranger.echo();

        List<ConnectionSnapshot> connections = server.snapshot().connections();
        assertThat(connections).filteredOn(c -> "worker".equals(c.subject()))
                .singleElement().extracting(ConnectionSnapshot::functions).isEqualTo(List.of("test-fn"));
        assertThat(connections).filteredOn(c -> "stranger".equals(c.subject()))
                .singleElement().extracting(ConnectionSnapshot::functions).isEqualTo(List.of());
        assertThat(worker.packets).as("no ERROR for a denied CAN_DO").isEmpty();
    }

    @Test
    void aclListIsReadableByAnyone() throws Exception {
        assertThat(open("stranger").admin("acl list")).isEqualTo(
                "client\tregister=None\tinvoke=test.*\tgrant=False\n"
                        + "manager\tregister=None\tinvoke=None\tgrant=True\n"
                        + "worker\tregister=test.*\tinvoke=None\tgrant=False\n.\n");
    }

    @Test
    void aGrantedPatternKeepsItsSpacesAsWritten() throws Exception {
        Conn manager = open("manager");
        assertThat(manager.admin("acl grant invoke web report  daily")).isEqualTo("OK\n");
        assertThat(manager.admin("acl grant register web  spaced \t tab")).isEqualTo("OK\n");
        assertThat(manager.admin("acl list")).contains("web\tregister=spaced \t tab\tinvoke=report  daily\tgrant=False\n");
    }

    @Test
    void grantAndRevokeChangeWhatALiveConnectionMayDo() throws Exception {
        Conn manager = open("manager");
        Conn stranger = open("stranger");
        Conn client = open("client");

        assertThat(client.admin("acl grant invoke stranger test.*")).isEqualTo("ERR PERMISSION_DENIED\n");
        assertDenied(stranger.submit("test-fn"));

        assertThat(manager.admin("acl grant invoke stranger test.*")).isEqualTo("OK\n");
        assertThat(stranger.submit("test-fn").type()).isEqualTo(PacketType.JOB_CREATED);

        assertThat(client.admin("acl revoke invoke stranger")).isEqualTo("ERR PERMISSION_DENIED\n");
        assertThat(manager.admin("acl revoke invoke stranger")).isEqualTo("OK\n");
        assertDenied(stranger.submit("test-fn"));
        assertThat(acl.getEntry("stranger")).as("an entry left empty is removed").isEmpty();

        assertThat(client.admin("acl self-revoke invoke")).isEqualTo("OK\n");
        assertDenied(client.submit("test-fn"));

        assertThat(manager.admin("acl grant register worker-2 build:.*")).isEqualTo("OK\n");
        assertThat(manager.admin("acl grant grant client")).isEqualTo("OK\n");
        assertThat(client.admin("acl grant invoke client test.*")).as("client may grant now").isEqualTo("OK\n");
        assertThat(client.submit("test-fn").type()).isEqualTo(PacketType.JOB_CREATED);
        assertThat(manager.admin("acl revoke all client")).isEqualTo("OK\n");
        assertThat(acl.getEntry("client")).isEmpty();
    }

    @Test
    void aclCommandErrors() throws Exception {
        Conn manager = open("manager");
        assertThat(manager.admin("acl grant frob x y")).isEqualTo("ERR UNKNOWN_ACL_VERB\n");
        assertThat(manager.admin("acl revoke frob x")).isEqualTo("ERR UNKNOWN_ACL_VERB\n");
        assertThat(manager.admin("acl grant invoke x foo(")).startsWith("ERR UNABLE invalid invoke regex 'foo('");
        assertThat(manager.admin("acl grant invoke")).startsWith("ERR INVALID_ARGUMENTS");
        assertThat(open("stranger").admin("acl revoke all manager")).isEqualTo("ERR PERMISSION_DENIED\n");
        assertThat(acl.canGrant("manager")).isTrue();
    }

    @Test
    void cancelNeedsInvokePermission() throws Exception {
        Conn client = open("client");
        Packet created = client.submit("test-fn");
        String handle = created.fieldString(0);
        assertThat(open("stranger").admin("cancel job " + handle)).isEqualTo("ERR PERMISSION_DENIED\n");
        assertThat(client.admin("cancel job " + handle)).isEqualTo("OK\n");
    }

    @Test
    void shutdownNeedsGrantPermission() throws Exception {
        Conn stranger = open("stranger");
        Conn client = open("client");
        for (Conn denied : List.of(stranger, client)) {
            assertThat(denied.admin("shutdown")).isEqualTo("ERR PERMISSION_DENIED\n");
            assertThat(denied.admin("shutdown graceful")).isEqualTo("ERR PERMISSION_DENIED\n");
        }
        stranger.echo(); // still served: nothing was stopped or drained
        assertThat(client.submit("test-fn").type()).as("not draining").isEqualTo(PacketType.JOB_CREATED);
        assertThat(server.terminated()).isNotDone();

        assertThat(open("manager").admin("shutdown graceful")).isEqualTo("OK\n");
        server.terminated().get(WAIT.toSeconds(), TimeUnit.SECONDS); // no job runs, so graceful ends at once
        assertThat(server.isRunning()).isFalse();
    }

    /**
     * maxqueue and create/drop function change the server for everyone: with an ACL they need grant
     * permission, as shutdown does (before, any certificate of the CA could zero a queue limit,
     * drop an idle function or create function entries without bound).
     */
    @Test
    void serverSettingsNeedGrantPermission() throws Exception {
        Conn stranger = open("stranger");
        Conn client = open("client");
        Conn manager = open("manager");
        assertThat(client.submit("test-fn").type()).isEqualTo(PacketType.JOB_CREATED);
        assertThat(manager.admin("create function idle-fn")).isEqualTo("OK\n");
        String before = manager.admin("status") + manager.admin("prioritystatus");
        for (Conn denied : List.of(stranger, client)) {
            assertThat(denied.admin("maxqueue test-fn 1")).isEqualTo("ERR PERMISSION_DENIED\n");
            assertThat(denied.admin("maxqueue test-fn 1 1 1")).isEqualTo("ERR PERMISSION_DENIED\n");
            assertThat(denied.admin("create function intruder-fn")).isEqualTo("ERR PERMISSION_DENIED\n");
            assertThat(denied.admin("drop function idle-fn")).isEqualTo("ERR PERMISSION_DENIED\n");
            assertThat(denied.admin("drop function no-such-fn")).as("no hint whether it exists")
                    .isEqualTo("ERR PERMISSION_DENIED\n");
        }
        assertThat(manager.admin("status") + manager.admin("prioritystatus")).as("nothing changed").isEqualTo(before);
        assertThat(client.submit("test-fn").type()).as("no queue limit was set").isEqualTo(PacketType.JOB_CREATED);

        assertThat(manager.admin("maxqueue test-fn 1")).isEqualTo("OK\n");
        assertThat(client.submit("test-fn").fieldString(0)).isEqualTo("QUEUE_ERROR");
        assertThat(manager.admin("drop function idle-fn")).isEqualTo("OK\n");
        assertThat(manager.admin("create function new-fn")).isEqualTo("OK\n");
        assertThat(manager.admin("status")).contains("new-fn\t").doesNotContain("idle-fn");
    }

    /**
     * Every ACL refusal is on record as an AclDenied event (and an INFO log line, from the same
     * place): before, only CAN_DO and SUBMIT_* denials were, and only CAN_DO ones were logged.
     */
    @Test
    void everyAclRefusalIsRecorded() throws Exception {
        BlockingQueue<ServerEvent.AclDenied> denials = new LinkedBlockingQueue<>();
        ServerAccess.core(server).addEventListener(e -> {
            if (e instanceof ServerEvent.AclDenied d) {
                denials.add(d);
            }
        });
        Conn client = open("client");
        String handle = client.submit("test-fn").fieldString(0);
        Conn stranger = open("stranger");
        stranger.send(Packet.request(PacketType.CAN_DO, "test-fn"));
        assertDenied(stranger.submit("test-fn"));
        for (String line : List.of("cancel job " + handle, "shutdown graceful", "maxqueue test-fn 1",
                "create function x", "drop function test-fn", "acl grant invoke stranger .*", "acl revoke all client")) {
            assertThat(stranger.admin(line)).as(line).isEqualTo("ERR PERMISSION_DENIED\n");
        }
        List<String> recorded = new ArrayList<>();
        while (recorded.size() < 9) {
            ServerEvent.AclDenied d = denials.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(d).as("denials recorded so far: " + recorded).isNotNull();
            assertThat(d.subject()).isEqualTo("stranger");
            recorded.add(d.action() + " | " + d.target());
        }
        assertThat(recorded).containsExactly("register | test-fn", "invoke | test-fn", "cancel job | " + handle,
                "shutdown | graceful", "maxqueue | test-fn 1", "create function | x", "drop function | test-fn",
                "acl grant | invoke stranger .*", "acl revoke | all client");
    }

    @Test
    void plainConnectionToAnAclServerIsRefusedAtTheHandshake() throws Exception {
        // No TLS: the server sees plaintext on its TLS port and closes; nothing can be submitted.
        Conn plain = new Conn();
        NioConnection c = loop.connect(new InetSocketAddress("127.0.0.1", server.port()), WAIT, SocketSettings.DEFAULTS,
                ConnectionLimits.DEFAULTS, null, plain).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        loop.execute(() -> c.sendText("acl list\n"));
        assertThat(plain.closed.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("peer closed the connection");
        assertThat(plain.lines).isEmpty();
    }

    private static void assertDenied(Packet reply) {
        assertThat(reply.type()).isEqualTo(PacketType.ERROR);
        assertThat(reply.fieldString(0)).isEqualTo("0");
        assertThat(reply.fieldString(1)).isEqualTo("Permission denied by ACL");
    }

    private Conn open(String cn) throws Exception {
        Conn conn = new Conn();
        conn.connection = loop.connect(new InetSocketAddress("127.0.0.1", server.port()), WAIT, SocketSettings.DEFAULTS,
                ConnectionLimits.DEFAULTS, TlsSettings.of(CERTS.clientContext(cn)), conn)
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return conn;
    }

    /** A raw TLS connection to the server: packets and admin lines, answers in order. */
    private final class Conn implements ConnectionHandler {
        final BlockingQueue<Packet> packets = new LinkedBlockingQueue<>();
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final BlockingQueue<String> closed = new LinkedBlockingQueue<>();
        NioConnection connection;
        int uniques;

        void send(Packet packet) {
            loop.execute(() -> connection.send(packet));
        }

        Packet request(Packet packet) throws InterruptedException {
            send(packet);
            Packet reply = packets.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(reply).as("reply to " + packet.type()).isNotNull();
            return reply;
        }

        Packet submit(String function) throws InterruptedException {
            return request(Packet.request(PacketType.SUBMIT_JOB, function, "u" + (uniques++), "data"));
        }

        void echo() throws InterruptedException {
            assertThat(request(Packet.request(PacketType.ECHO_REQ, "sync".getBytes(StandardCharsets.UTF_8))).type())
                    .isEqualTo(PacketType.ECHO_RES);
        }

        /** Sends an admin line; returns the reply (up to {@code .} for lists), line ends included. */
        String admin(String command) throws InterruptedException {
            loop.execute(() -> connection.sendText(command + "\n"));
            List<String> reply = new ArrayList<>();
            while (true) {
                String line = lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(line).as("reply to " + command).isNotNull();
                reply.add(line);
                if (!List.of("acl list", "status", "prioritystatus").contains(command) || line.equals(".")) {
                    return String.join("\n", reply) + "\n";
                }
            }
        }

        @Override
        public void onPacket(NioConnection c, Packet packet) {
            packets.add(packet);
        }

        @Override
        public void onLine(NioConnection c, String line) {
            lines.add(line);
        }

        @Override
        public void onDecodeError(NioConnection c, DecodeError error) {
            lines.add("decode error " + error);
        }

        @Override
        public void onClosed(NioConnection c, String reason) {
            closed.add(reason);
        }
    }
}
