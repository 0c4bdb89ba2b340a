package dev.gear.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.PacketType;
import dev.gear.internal.server.JobHold;
import dev.gear.internal.server.ServerAccess;
import dev.gear.internal.server.ServerCore;
import dev.gear.internal.server.ServerEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server side of the test kit's holds, through real sockets: held jobs are queued but given to no worker. */
class JobHoldTest {
    private final List<AutoCloseable> resources = new ArrayList<>();
    private Server server;
    private ServerCore core;

    @BeforeEach
    void start() {
        server = Server.builder().port(0).listenAddress("127.0.0.1").build().start();
        resources.add(server);
        core = ServerAccess.core(server);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : resources) {
            c.close();
        }
    }

    private RawClient connect() {
        RawClient c = RawClient.connect(server);
        resources.add(c);
        return c;
    }

    private JobHold hold(Predicate<JobSnapshot> criteria) throws Exception {
        return core.loop().submit(() -> core.holdJobs(criteria)).get(5, TimeUnit.SECONDS);
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
        return core.loop().submit(task).get(5, TimeUnit.SECONDS);
    }

    @Test
    void heldJobsAreCountedAsQueuedButGivenToNoWorkerUntilReleasedInPriorityAndFifoOrder() throws Exception {
        JobHold hold = hold(j -> j.function().equals("build"));
        RawClient client = connect();
        String low = client.submit(PacketType.SUBMIT_JOB_LOW_BG, "build", "", "low");
        String normal1 = client.submit(PacketType.SUBMIT_JOB_BG, "build", "", "n1");
        String high = client.submit(PacketType.SUBMIT_JOB_HIGH_BG, "build", "", "high");
        String normal2 = client.submit(PacketType.SUBMIT_JOB_BG, "build", "", "n2");
        client.submit(PacketType.SUBMIT_JOB_BG, "other", "", "free");

        RawClient worker = connect().canDo("build", "other");
        // Every grab form: the one job not held, then nothing.
        worker.send(PacketType.GRAB_JOB).expect(PacketType.JOB_ASSIGN);
        worker.send(PacketType.GRAB_JOB).expect(PacketType.NO_JOB);
        worker.send(PacketType.GRAB_JOB_UNIQ).expect(PacketType.NO_JOB);
        worker.send(PacketType.GRAB_JOB_ALL).expect(PacketType.NO_JOB);
        worker.send(PacketType.PRE_SLEEP);
        assertThat(worker.sync()).as("no NOOP for held jobs").isEmpty();

        assertThat(connect().adminList("status")).contains("build\t4\t0\t1");
        assertThat(server.snapshot().jobs()).filteredOn(j -> j.state() == JobSnapshot.State.HELD)
                .extracting(JobSnapshot::handle).containsExactly(low, normal1, high, normal2);
        assertThat(onLoop(hold::held)).hasSize(4);

        List<JobSnapshot> released = onLoop(() -> hold.release(j -> !j.payloadString().equals("n2")));
        assertThat(released).extracting(JobSnapshot::handle).containsExactly(low, normal1, high);
        worker.expect(PacketType.NOOP); // woken by the release
        assertThat(worker.grab().fieldString(0)).isEqualTo(high);
        assertThat(worker.grab().fieldString(0)).isEqualTo(normal1);
        assertThat(worker.grab().fieldString(0)).isEqualTo(low);
        worker.send(PacketType.GRAB_JOB).expect(PacketType.NO_JOB);

        onLoop(() -> {
            hold.close();
            return null;
        });
        assertThat(worker.grab().fieldString(0)).isEqualTo(normal2);
        assertThatThrownBy(() -> onLoop(() -> hold.release(j -> true))).hasRootCauseMessage(
                "this hold is closed: it holds nothing, so it cannot release anything");
        client.submit(PacketType.SUBMIT_JOB_BG, "build", "", "after close");
        assertThat(worker.grab().fieldString(0)).as("a closed hold takes nothing").isNotEmpty();
    }

    @Test
    void aJobStaysHeldWhileAnyHoldThatTookItIsOpen() throws Exception {
        JobHold all = hold(j -> true);
        JobHold builds = hold(j -> j.function().startsWith("build"));
        RawClient client = connect();
        String h = client.submit(PacketType.SUBMIT_JOB_BG, "build", "", "x");
        RawClient worker = connect().canDo("build");
        onLoop(() -> all.release(j -> true));
        worker.send(PacketType.GRAB_JOB).expect(PacketType.NO_JOB);
        onLoop(() -> builds.release(j -> true));
        assertThat(worker.grab().fieldString(0)).isEqualTo(h);
    }

    @Test
    void aHeldForegroundJobGoesWithItsClientAndCanBeCancelled() throws Exception {
        hold(j -> true);
        java.util.concurrent.BlockingQueue<ServerEvent> closed = new java.util.concurrent.LinkedBlockingQueue<>();
        core.addEventListener(e -> {
            if (e instanceof ServerEvent.ConnectionClosed) {
                closed.add(e);
            }
        });
        RawClient client = connect();
        client.submit(PacketType.SUBMIT_JOB, "build", "", "fg");
        String bg = client.submit(PacketType.SUBMIT_JOB_BG, "build", "", "bg");
        client.close();
        assertThat(closed.poll(5, TimeUnit.SECONDS)).as("the client's connection closed").isNotNull();
        RawClient admin = connect();
        // The foreground job left with its client; the background one stays held until cancelled.
        assertThat(admin.adminList("status")).contains("build\t1\t0\t0");
        assertThat(admin.admin("cancel job " + bg)).isEqualTo("OK\n");
        assertThat(admin.adminList("status")).contains("build\t0\t0\t0");
        assertThat(server.snapshot().jobs()).isEmpty();
    }
}
