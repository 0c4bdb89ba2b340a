package dev.gear.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.server.ServerAccess;
import dev.gear.internal.server.ServerEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Large payloads are kept in the SUBMIT body they arrived in and written to the worker from there
 * (not copied into a JOB_ASSIGN frame): every SUBMIT and GRAB form must still put exactly the
 * bytes of a freshly built packet on the wire, on both sides of the size where that starts.
 */
class LargePayloadTest {
    /** Sizes around the server's threshold for keeping data in its body (1 KiB), and large ones. */
    private static final int[] SIZES = {0, 1, 1023, 1024, 1025, 70_000, 1 << 20};

    private final List<AutoCloseable> resources = new ArrayList<>();
    private Server server;
    private RawClient client;
    private RawClient worker;

    @BeforeEach
    void start() {
        server = Server.builder().port(0).listenAddress("127.0.0.1").build().start();
        resources.add(server);
        client = RawClient.connect(server);
        resources.add(0, client);
        worker = RawClient.connect(server);
        resources.add(0, worker);
        worker.canDo("f");
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : resources) {
            c.close();
        }
    }

    private static byte[] payload(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        if (size > 2) {
            data[0] = 0; // NULs in the data tail are data
            data[size - 1] = 0;
        }
        return data;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String submit(PacketType type, byte[]... fields) {
        client.send(Packet.request(type, fields));
        return client.expect(PacketType.JOB_CREATED).fieldString(0);
    }

    @Test
    void everyAssignFormCarriesALargePayloadByteForByte() {
        for (int size : SIZES) {
            byte[] data = payload(size, size);
            String h1 = submit(PacketType.SUBMIT_JOB, utf8("f"), utf8("u-" + size), data);
            worker.send(PacketType.GRAB_JOB_UNIQ);
            assertThat(worker.read()).as("JOB_ASSIGN_UNIQ, %d bytes", size)
                    .isEqualTo(Packet.response(PacketType.JOB_ASSIGN_UNIQ, utf8(h1), utf8("f"), utf8("u-" + size), data));

            String h2 = submit(PacketType.SUBMIT_JOB_BG, utf8("f"), new byte[0], data);
            worker.send(PacketType.GRAB_JOB);
            assertThat(worker.read()).as("JOB_ASSIGN, %d bytes", size)
                    .isEqualTo(Packet.response(PacketType.JOB_ASSIGN, utf8(h2), utf8("f"), data));

            String h3 = submit(PacketType.SUBMIT_JOB_LOW, utf8("f"), utf8("low"), data);
            worker.send(PacketType.GRAB_JOB_ALL);
            assertThat(worker.read()).as("JOB_ASSIGN_UNIQ for GRAB_JOB_ALL, %d bytes", size)
                    .isEqualTo(Packet.response(PacketType.JOB_ASSIGN_UNIQ, utf8(h3), utf8("f"), utf8("low"), data));

            String h4 = submit(PacketType.SUBMIT_REDUCE_JOB, utf8("f"), utf8("r"), utf8("reducer"), utf8("agg"), data);
            worker.send(PacketType.GRAB_JOB_ALL);
            assertThat(worker.read()).as("JOB_ASSIGN_ALL, %d bytes", size).isEqualTo(Packet.response(
                    PacketType.JOB_ASSIGN_ALL, utf8(h4), utf8("f"), utf8("r"), utf8("reducer"), data));

            String h5 = submit(PacketType.SUBMIT_JOB_EPOCH, utf8("f"), utf8("e"), utf8("0"), data);
            worker.send(PacketType.GRAB_JOB_UNIQ);
            assertThat(worker.read()).as("JOB_ASSIGN_UNIQ of an epoch job, %d bytes", size)
                    .isEqualTo(Packet.response(PacketType.JOB_ASSIGN_UNIQ, utf8(h5), utf8("f"), utf8("e"), data));

            for (String h : List.of(h1, h3, h4)) {
                byte[] result = payload(size, -size);
                worker.send(Packet.request(PacketType.WORK_COMPLETE, utf8(h), result));
                assertThat(client.read()).as("WORK_COMPLETE of %s, %d bytes", h, size)
                        .isEqualTo(Packet.response(PacketType.WORK_COMPLETE, utf8(h), result));
            }
            worker.send(Packet.request(PacketType.WORK_COMPLETE, utf8(h2), new byte[0]));
            worker.send(Packet.request(PacketType.WORK_COMPLETE, utf8(h5), new byte[0]));
            assertThat(worker.sync()).isEmpty();
            assertThat(server.snapshot().jobs()).as("after %d bytes", size).isEmpty();
        }
    }

    /** Unique "-" makes a large payload the coalescing key: it still coalesces, and is assigned whole. */
    @Test
    void aLargePayloadThatIsItsOwnUniqueCoalesces() {
        byte[] data = payload(200_000, 9);
        byte[] other = data.clone();
        other[100_000]++;
        String h = submit(PacketType.SUBMIT_JOB_BG, utf8("f"), utf8("-"), data);
        assertThat(submit(PacketType.SUBMIT_JOB_BG, utf8("f"), utf8("-"), data.clone())).isEqualTo(h);
        String h2 = submit(PacketType.SUBMIT_JOB_BG, utf8("f"), utf8("-"), other);
        assertThat(h2).isNotEqualTo(h);
        worker.send(PacketType.GRAB_JOB_UNIQ);
        assertThat(worker.read()).isEqualTo(Packet.response(PacketType.JOB_ASSIGN_UNIQ, utf8(h), utf8("f"), utf8("-"), data));
        worker.send(PacketType.GRAB_JOB_UNIQ);
        assertThat(worker.read()).isEqualTo(Packet.response(PacketType.JOB_ASSIGN_UNIQ, utf8(h2), utf8("f"), utf8("-"), other));
    }

    /** Snapshots and events get the payload alone, as an array of its own, for a job that keeps it in its body. */
    @Test
    void snapshotsAndEventsSeeJustThePayload() throws InterruptedException {
        BlockingQueue<ServerEvent> events = new LinkedBlockingQueue<>();
        ServerAccess.core(server).addEventListener(events::add);
        byte[] data = payload(50_000, 4);
        String h = submit(PacketType.SUBMIT_JOB_BG, utf8("f"), utf8("uniq"), data);
        JobSnapshot job = server.snapshot().job(h).orElseThrow();
        assertThat(job.payload()).isEqualTo(data);
        ServerEvent.JobSubmitted submitted = null;
        while (submitted == null) {
            ServerEvent e = events.poll(5, TimeUnit.SECONDS);
            assertThat(e).as("JobSubmitted event").isNotNull();
            submitted = e instanceof ServerEvent.JobSubmitted ? (ServerEvent.JobSubmitted) e : null;
        }
        assertThat(submitted.payload()).isEqualTo(data);
        assertThat(submit(PacketType.SUBMIT_JOB_BG, utf8("f"), utf8("uniq"), data)).as("coalesced").isEqualTo(h);
        worker.send(PacketType.GRAB_JOB_UNIQ);
        Packet assign = worker.read();
        assertThat(assign.magic()).isEqualTo(Magic.RES);
        assertThat(assign).isEqualTo(Packet.response(PacketType.JOB_ASSIGN_UNIQ, utf8(h), utf8("f"), utf8("uniq"), data));
    }
}
