package dev.gear.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.PacketType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every admin command's exact reply bytes. */
class AdminCommandsTest {
    private final List<AutoCloseable> resources = new ArrayList<>();
    private Server server;
    private RawClient admin;

    @BeforeEach
    void start() {
        server = Server.builder().port(0).listenAddress("127.0.0.1").build().start();
        resources.add(server);
        admin = connect(); // connection 1
    }

    private RawClient connect() {
        RawClient c = RawClient.connect(server);
        resources.add(0, c);
        return c;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : resources) {
            c.close();
        }
    }

    @Test
    void statusPriorityStatusWorkersAndShowJobs() {
        RawClient client = connect(); // 2
        RawClient worker = connect(); // 3
        worker.send(PacketType.SET_CLIENT_ID, "w-1");
        worker.canDo("f", "g");
        RawClient worker2 = connect().canDo("f"); // 4
        String h1 = client.submit(PacketType.SUBMIT_JOB, "f", "u1", "x");
        String h2 = client.submit(PacketType.SUBMIT_JOB_HIGH_BG, "f", "", "y");
        String h3 = client.submit(PacketType.SUBMIT_JOB_LOW, "g", "u3", "z");
        assertThat(worker2.grab().fieldString(0)).isEqualTo(h2);
        assertThat(admin.admin("create function idle")).isEqualTo("OK\n");

        assertThat(admin.adminList("status")).isEqualTo("f\t2\t1\t2\ng\t1\t0\t1\nidle\t0\t0\t0\n.\n");
        assertThat(admin.adminList("prioritystatus")).isEqualTo("f\t0\t1\t0\t2\ng\t0\t0\t1\t1\nidle\t0\t0\t0\t0\n.\n");
        assertThat(admin.adminList("workers")).isEqualTo("1 127.0.0.1 - :\n2 127.0.0.1 - :\n"
                + "3 127.0.0.1 w-1 : f g\n4 127.0.0.1 - : f\n.\n");
        assertThat(admin.adminList("show jobs"))
                .isEqualTo(h1 + "\t0\t0\t0\n" + h2 + "\t0\t0\t1\n" + h3 + "\t0\t0\t0\n.\n");
        assertThat(admin.adminList("show unique jobs")).isEqualTo("u1\n\nu3\n.\n");
        assertThat(admin.admin("show bogus")).isEqualTo("ERR UNKNOWN_SHOW_ARGUMENTS\n");
        // Case-insensitive command words, runs of spaces, \r\n line ends.
        assertThat(admin.sendLine("STATUS  \r").readList()).startsWith("f\t2\t1\t2\n");
    }

    @Test
    void cancelJobTellsTheClientAndOnlyWorksOnWaitingJobs() {
        RawClient client = connect();
        RawClient worker = connect().canDo("f");
        String running = client.submit(PacketType.SUBMIT_JOB, "f", "", "r");
        worker.grab();
        String queued = client.submit(PacketType.SUBMIT_JOB, "f", "", "q");
        assertThat(admin.admin("cancel job " + queued)).isEqualTo("OK\n");
        client.expect(PacketType.WORK_FAIL, queued);
        assertThat(admin.admin("cancel job " + queued)).isEqualTo("ERR UNKNOWN_JOB\n");
        assertThat(admin.admin("cancel job " + running)).isEqualTo("ERR UNKNOWN_JOB\n");
        assertThat(admin.admin("cancel job")).isEqualTo("ERR INVALID_ARGUMENTS cancel+job+needs+a+job+handle\n");
        assertThat(admin.admin("cancel jobs")).isEqualTo("ERR UNKNOWN_COMMAND Unknown+server+command:+cancel\n");
        worker.send(PacketType.GRAB_JOB_UNIQ).expect(PacketType.NO_JOB);
        assertThat(admin.adminList("status")).isEqualTo("f\t1\t1\t1\n.\n");
    }

    @Test
    void maxqueueLimitsQueuedPlusRunningPerPriority() {
        RawClient client = connect();
        RawClient worker = connect().canDo("f");
        assertThat(admin.admin("maxqueue")).isEqualTo(
                "ERR INVALID_ARGUMENTS An+incomplete+set+of+arguments+was+sent+to+this+command+maxqueue\n");
        assertThat(admin.admin("maxqueue f x")).startsWith("ERR INVALID_ARGUMENTS maxqueue+sizes+must+be+integers");
        assertThat(admin.admin("maxqueue unknown 1")).isEqualTo("OK\n"); // gearmand: no effect
        assertThat(admin.admin("maxqueue f 2")).isEqualTo("OK\n");
        String h = client.submit(PacketType.SUBMIT_JOB, "f", "", "1");
        worker.grab();
        client.submit(PacketType.SUBMIT_JOB_BG, "f", "", "2");
        client.send(PacketType.SUBMIT_JOB, "f", "", "3");
        client.expectError("QUEUE_ERROR", "Job queue is full");
        // Per priority: HIGH 0 = unlimited, NORMAL 2, LOW 1.
        assertThat(admin.admin("maxqueue f 0 2 1")).isEqualTo("OK\n");
        client.submit(PacketType.SUBMIT_JOB_HIGH_BG, "f", "", "h");
        client.submit(PacketType.SUBMIT_JOB_LOW_BG, "f", "", "l1");
        client.send(PacketType.SUBMIT_JOB_LOW_BG, "f", "", "l2");
        client.expectError("QUEUE_ERROR", "Job queue is full");
        worker.send(PacketType.WORK_COMPLETE, h, "");
        client.expect(PacketType.WORK_COMPLETE);
        client.submit(PacketType.SUBMIT_JOB, "f", "", "room again");
        assertThat(admin.admin("maxqueue f")).isEqualTo("OK\n"); // no size: unlimited
        client.submit(PacketType.SUBMIT_JOB_LOW_BG, "f", "", "l3");
        assertThat(admin.adminList("status")).isEqualTo("f\t5\t0\t1\n.\n");
    }

    @Test
    void createAndDropFunction() {
        assertThat(admin.admin("create function")).isEqualTo(
                "ERR INVALID_ARGUMENTS An+incomplete+set+of+arguments+was+sent+to+this+command+create\n");
        assertThat(admin.admin("drop function")).isEqualTo(
                "ERR INVALID_ARGUMENTS An+incomplete+set+of+arguments+was+sent+to+this+command+drop\n");
        assertThat(admin.admin("create function Foo")).isEqualTo("OK\n");
        assertThat(admin.admin("drop function nothing")).isEqualTo("ERR function not found\n");
        RawClient worker = connect().canDo("busy");
        assertThat(admin.admin("drop function busy"))
                .isEqualTo("ERR there are still connected workers or executing clients\n");
        worker.send(PacketType.CANT_DO, "busy").sync();
        assertThat(admin.admin("drop function BUSY")).isEqualTo("OK\n");
        assertThat(admin.admin("drop function foo")).isEqualTo("OK\n");
        assertThat(admin.adminList("status")).isEqualTo(".\n");
    }

    @Test
    void showJobsListsSurvivorsOldestFirstAcrossTableGrowthAndHandlesCountUp() {
        RawClient client = connect();
        RawClient other = connect();
        List<String> handles = new ArrayList<>();
        for (int i = 0; i < 300; i++) { // enough to grow the job table several times
            handles.add((i % 2 == 0 ? client : other).submit(PacketType.SUBMIT_JOB_BG, "f", "", "d" + i));
        }
        for (int i = 0; i < handles.size(); i++) {
            assertThat(handles.get(i)).isEqualTo("H:127.0.0.1:" + (i + 1));
        }
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < handles.size(); i++) {
            if (i % 7 == 3) {
                assertThat(admin.admin("cancel job " + handles.get(i))).isEqualTo("OK\n");
            } else {
                expected.append(handles.get(i)).append("\t0\t0\t1\n");
            }
        }
        assertThat(admin.adminList("show jobs")).isEqualTo(expected + ".\n");
        assertThat(admin.admin("cancel job H:127.0.0.1:0" + handles.get(0).substring(12))).isEqualTo("ERR UNKNOWN_JOB\n");
        assertThat(admin.admin("cancel job H:127.0.0.2:1")).isEqualTo("ERR UNKNOWN_JOB\n");
    }

    @Test
    void aDroppedFunctionIsRecreatedByTheNextSubmitOfTheSameConnection() {
        RawClient client = connect();
        RawClient worker = connect().canDo("f");
        client.submit(PacketType.SUBMIT_JOB_BG, "f", "", "a");
        String handle = worker.grab().fieldString(0);
        worker.send(PacketType.WORK_COMPLETE, handle, "").sync();
        worker.send(PacketType.CANT_DO, "f").sync();
        assertThat(admin.admin("drop function f")).isEqualTo("OK\n");
        client.submit(PacketType.SUBMIT_JOB_BG, "f", "", "b");
        assertThat(admin.adminList("status")).isEqualTo("f\t1\t0\t0\n.\n");
        worker.canDo("f");
        assertThat(worker.grab().fieldString(3)).isEqualTo("b");
    }

    @Test
    void versionGetpidVerboseAclAndUnknownCommands() {
        assertThat(Server.version()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(admin.admin("version")).isEqualTo("OK " + Server.version() + "\n");
        assertThat(admin.admin("getpid")).isEqualTo("OK " + ProcessHandle.current().pid() + "\n");
        assertThat(admin.admin("verbose")).matches("OK (DEBUG|INFO|WARNING|ERROR|FATAL)\n");
        assertThat(admin.admin("acl list")).isEqualTo("ERR ACL_DISABLED\n");
        assertThat(admin.admin("acl grant invoke someone .*")).isEqualTo("ERR ACL_DISABLED\n");
        assertThat(admin.admin("frob nicate")).isEqualTo("ERR UNKNOWN_COMMAND Unknown+server+command:+frob\n");
        assertThat(admin.admin("")).isEqualTo("ERR UNKNOWN_COMMAND Unknown+server+command\n");
        assertThat(admin.admin(" status")).isEqualTo("ERR UNKNOWN_COMMAND Unknown+server+command\n");
        // Only spaces: no words at all, answered like an empty line (this once threw out of the handler).
        assertThat(admin.admin(" ")).isEqualTo("ERR UNKNOWN_COMMAND Unknown+server+command\n");
        assertThat(admin.admin("   ")).isEqualTo("ERR UNKNOWN_COMMAND Unknown+server+command\n");
        assertThat(admin.admin("shutdown now")).isEqualTo("ERR INVALID_ARGUMENTS usage:+shutdown+[graceful]\n");
        // Binary and text interleave on one connection.
        admin.send(PacketType.ECHO_REQ, "still binary").expect(PacketType.ECHO_RES, "still binary");
    }

    /** Replaces the server of {@link #start()} with one whose {@code shutdown} admin command is enabled. */
    private void restartWithAdminShutdown() {
        server.close();
        server = Server.builder().port(0).listenAddress("127.0.0.1").adminShutdown(true).build().start();
        resources.add(server);
        admin = connect();
    }

    @Test
    void shutdownIsRefusedUnlessEnabledAndTheServerKeepsServing() throws Exception {
        assertThat(admin.admin("shutdown")).isEqualTo("ERR SHUTDOWN_DISABLED the+shutdown+command+is+disabled+on+"
                + "this+server;+enable+it+with+Server.builder().adminShutdown(true)+or+geard+--allow-admin-shutdown\n");
        assertThat(admin.admin("shutdown graceful")).startsWith("ERR SHUTDOWN_DISABLED ");
        assertThat(server.isRunning()).isTrue();
        assertThat(server.options().adminShutdown()).isFalse();
        // The server still serves, the refused peer included.
        assertThat(admin.admin("version")).startsWith("OK ");
        connect().send(PacketType.ECHO_REQ, "alive").expect(PacketType.ECHO_RES, "alive");
    }

    @Test
    void shutdownStopsTheServer() throws Exception {
        restartWithAdminShutdown();
        int port = server.port();
        assertThat(admin.admin("shutdown")).isEqualTo("OK\n");
        server.terminated().get(10, TimeUnit.SECONDS);
        admin.expectClosed();
        assertThat(server.isRunning()).isFalse();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(IOException.class);
    }

    @Test
    void gracefulShutdownWaitsForRunningJobsAndTakesNoNewWork() throws Exception {
        restartWithAdminShutdown();
        RawClient client = connect();
        RawClient worker = connect().canDo("f");
        String h = client.submit(PacketType.SUBMIT_JOB, "f", "", "x");
        client.submit(PacketType.SUBMIT_JOB_BG, "f", "", "never runs");
        worker.grab();
        assertThat(admin.admin("shutdown graceful")).isEqualTo("OK\n");
        client.sync(); // the shutdown task has run by now
        assertThatThrownBy(() -> RawClient.connect(InetAddress.getLoopbackAddress(), server.port()).close())
                .isInstanceOf(UncheckedIOException.class);
        client.send(PacketType.SUBMIT_JOB, "f", "", "y");
        client.expectError("SHUTDOWN_GRACEFUL", "shutting down gracefully");
        worker.send(PacketType.GRAB_JOB_UNIQ).expect(PacketType.NO_JOB);
        assertThat(server.terminated()).isNotDone();
        worker.send(PacketType.WORK_COMPLETE, h, "last");
        client.expect(PacketType.WORK_COMPLETE, h, "last");
        server.terminated().get(10, TimeUnit.SECONDS);
        client.expectClosed();
    }
}
