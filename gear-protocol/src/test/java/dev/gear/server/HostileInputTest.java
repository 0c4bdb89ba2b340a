package dev.gear.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.codec.DecodeError;
import dev.gear.internal.codec.DecodeListener;
import dev.gear.internal.codec.FrameDecoder;
import dev.gear.internal.server.ServerAccess;
import dev.gear.internal.server.ServerEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets an answer, costs no memory it did not bring, and never disturbs anybody else: a
 * bystander connection keeps getting ECHO answers throughout.
 */
class HostileInputTest {
    private static final byte[] REQ = Magic.REQ.bytes();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private Server server;
    private RawClient bystander;
    private int echoes;

    /** Connections the server closed, with its reasons: an "internal error" means an exception escaped a handler. */
    private final BlockingQueue<ServerEvent.ConnectionClosed> closes = new LinkedBlockingQueue<>();
    private final List<String> internalErrors = new CopyOnWriteArrayList<>();
    /** Connections the server has taken in: the kernel completes a connect before the server accepts it. */
    private final BlockingQueue<ServerEvent.ConnectionOpened> opens = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() {
        server = Server.builder().port(0).listenAddress("127.0.0.1").build().start();
        resources.add(server);
        ServerAccess.core(server).addEventListener(event -> {
            if (event instanceof ServerEvent.ConnectionOpened opened) {
                opens.add(opened);
            } else if (event instanceof ServerEvent.ConnectionClosed closed) {
                closes.add(closed);
                if (closed.reason().contains("internal error")) {
                    internalErrors.add(closed.reason());
                }
            }
        });
        bystander = connect();
        bystander.canDo("f");
    }

    /**
     * Connects and waits until the server has taken the connection in (its accept thread hands it to
     * the loop a moment after the kernel completed the connect), so snapshots count it.
     */
    private RawClient connect() {
        RawClient c = RawClient.connect(server);
        resources.add(0, c);
        int port = c.socket().getLocalPort();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try {
            ServerEvent.ConnectionOpened opened;
            do {
                opened = opens.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertThat(opened).as("the server took in the connection from port %s", port).isNotNull();
            } while (opened.remoteAddress().getPort() != port);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return c;
    }

    @AfterEach
    void bystanderNeverNoticedAnything() throws Exception {
        try {
            assertBystanderServed();
            assertThat(internalErrors).as("connections closed because an exception escaped a handler").isEmpty();
            assertThat(server.isRunning()).isTrue();
            assertThat(server.snapshot().workers()).hasSize(1);
        } finally {
            for (AutoCloseable c : resources) {
                c.close();
            }
        }
    }

    /** Waits until the server has seen {@code count} more connections close. */
    private void awaitCloses(int count) {
        for (int i = 0; i < count; i++) {
            try {
                assertThat(closes.poll(5, TimeUnit.SECONDS)).as("close #%s of %s", i + 1, count).isNotNull();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Decodes what the server sent as our client would; the server's own output must always be well-formed. */
    private static List<Object> decodeAll(byte[] bytes) {
        List<Object> frames = new ArrayList<>();
        new FrameDecoder(Integer.MAX_VALUE - 16, 1 << 20).decode(ByteBuffer.wrap(bytes), new DecodeListener() {
            @Override
            public void onPacket(Packet packet) {
                frames.add(packet);
            }

            @Override
            public void onLine(String line) {
                frames.add(line);
            }

            @Override
            public void onError(DecodeError error) {
                throw new AssertionError("the server sent something malformed: " + error);
            }
        });
        return frames;
    }

    /** An ERROR packet with RES magic and a code, or an {@code ERR code …} line. */
    private static void assertIsAnError(Object frame) {
        if (frame instanceof Packet) {
            Packet p = (Packet) frame;
            assertThat(p.type()).as("%s", p).isEqualTo(PacketType.ERROR);
            assertThat(p.magic()).as("%s", p).isEqualTo(Magic.RES);
            assertThat(p.fieldString(0)).as("code of %s", p).isNotEmpty();
        } else {
            assertThat((String) frame).startsWith("ERR ");
        }
    }

    private void assertBystanderServed() {
        String token = "still here " + (++echoes);
        bystander.send(PacketType.ECHO_REQ, token).expect(PacketType.ECHO_RES, token);
    }

    @Test
    void randomBytes() {
        Random random = new Random(4730);
        for (int i = 0; i < 40; i++) {
            byte[] junk = new byte[1 + random.nextInt(3000)];
            random.nextBytes(junk);
            if (i % 2 == 0) {
                junk[0] = 0; // half of them start like a binary header
            }
            try (RawClient hostile = RawClient.connect(server)) {
                hostile.sendBytes(junk);
                // End of input: the server must process all of it, answer, and close; read up to that close.
                List<Object> answers = decodeAll(hostile.halfCloseAndReadToEnd());
                assertThat(answers).as("answers to junk #%s (%s bytes)", i, junk.length)
                        .allSatisfy(HostileInputTest::assertIsAnError);
            }
            assertBystanderServed();
        }
    }

    @Test
    void randomBodiesInValidFramesOfEveryRequestType() {
        // gearmand 1.1.20 segfaults on some of these; framing is intact, so ours answers and goes on.
        Random random = new Random(27301);
        RawClient hostile = connect();
        for (int round = 0; round < 20; round++) {
            for (PacketType type : PacketType.values()) {
                if (!type.isAcceptedByServer()) {
                    continue;
                }
                byte[] body = new byte[random.nextInt(120)];
                for (int i = 0; i < body.length; i++) {
                    body[i] = random.nextInt(6) == 0 ? 0 : (byte) random.nextInt(256);
                }
                hostile.send(Packet.of(Magic.REQ, type, body));
            }
            hostile.sync(); // everything answered, in order, and the connection is still there
            assertBystanderServed();
        }
        hostile.send(Packet.request(PacketType.RESET_ABILITIES)).sync();
    }

    @Test
    void aTwoGibibyteDeclaredLengthIsRefusedBeforeAnythingIsAllocated() {
        RawClient hostile = connect();
        hostile.sendBytes(RawClient.header(REQ, PacketType.SUBMIT_JOB.code(), Integer.MIN_VALUE));
        hostile.expectError("ARGUMENT_TOO_LARGE", "declares a 2147483648-byte body; the limit is 67108864 bytes");
        hostile.expectClosed();
    }

    @Test
    void everyOversizedDeclaredLengthIsRefusedWhateverTheType() {
        for (PacketType type : List.of(PacketType.ECHO_REQ, PacketType.CAN_DO, PacketType.WORK_COMPLETE,
                PacketType.NOOP)) {
            for (int declared : new int[] {0xFFFFFFFF, 0x80000000, (64 << 20) + 1}) {
                RawClient hostile = connect();
                hostile.sendBytes(RawClient.header(REQ, type.code(), declared));
                hostile.expectError("ARGUMENT_TOO_LARGE",
                        "declares a " + Integer.toUnsignedString(declared) + "-byte body");
                hostile.expectClosed();
                assertBystanderServed();
            }
        }
    }

    @Test
    void declaredButUndeliveredBodiesCostOnlyWhatArrived() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        List<RawClient> hostile = new ArrayList<>();
        for (int i = 0; i < 24; i++) { // 24 x 64 MiB declared would be 1.5 GiB
            RawClient c = connect();
            c.sendBytes(RawClient.header(REQ, PacketType.ECHO_REQ.code(), (64 << 20) - 1));
            c.sendBytes(new byte[100]);
            hostile.add(c);
        }
        assertBystanderServed();
        bystander.sync();
        assertThat(server.snapshot().connections()).hasSize(25);
        long grown = rt.totalMemory() - rt.freeMemory() - before;
        assertThat(grown).as("heap growth in bytes").isLessThan(256L << 20);
    }

    @Test
    void aTruncatedHeaderLeftOpenHoldsNobodyUpAndCanStillBeCompleted() {
        RawClient slow = connect();
        byte[] echo = Packet.request(PacketType.ECHO_REQ, "finally").toBinary();
        slow.sendBytes(Arrays.copyOf(echo, 5));
        assertBystanderServed();
        assertThat(server.snapshot().connections()).hasSize(2);
        slow.sendBytes(Arrays.copyOfRange(echo, 5, echo.length));
        slow.expect(PacketType.ECHO_RES, "finally");
    }

    @Test
    void truncatedHeadersLeftOpenAtEverySplitPointHoldNobodyUp() {
        byte[] echo = Packet.request(PacketType.ECHO_REQ, "x").toBinary();
        List<RawClient> stuck = new ArrayList<>();
        for (int cut = 1; cut < Packet.HEADER_LENGTH; cut++) {
            RawClient c = connect();
            c.sendBytes(Arrays.copyOf(echo, cut));
            stuck.add(c);
            assertBystanderServed();
        }
        // The bystander's whole job cycle still works while eleven connections sit mid-header.
        RawClient client = connect();
        String h = client.submit(PacketType.SUBMIT_JOB, "f", "", "work");
        assertThat(bystander.grab().fieldString(0)).isEqualTo(h);
        bystander.send(PacketType.WORK_COMPLETE, h, "done");
        client.expect(PacketType.WORK_COMPLETE, h, "done");
        assertThat(server.snapshot().connections()).hasSize(2 + stuck.size());
        // Leaving mid-header is an ordinary disconnect.
        closes.clear();
        stuck.forEach(RawClient::close);
        awaitCloses(stuck.size());
        assertThat(server.snapshot().connections()).hasSize(2);
    }

    @Test
    void everyServerToClientTypeGetsInvalidCommandAndTheConnectionGoesOn() {
        RawClient hostile = connect();
        for (PacketType type : PacketType.values()) {
            if (type.isAcceptedByServer()) {
                continue;
            }
            byte[][] fields = new byte[type.fieldCount()][];
            Arrays.fill(fields, "x".getBytes(StandardCharsets.UTF_8));
            hostile.send(Packet.request(type, fields));
            hostile.expectError("INVALID_COMMAND", "Command not expected: " + type);
            assertBystanderServed();
        }
        hostile.send(PacketType.ECHO_REQ, "alive").expect(PacketType.ECHO_RES, "alive");
    }

    @Test
    void unknownTypeNumbersAreAnsweredAndSkipped() {
        RawClient hostile = connect();
        // 0x80000000: the top bit that crashes gearmand 1.1.20.
        for (int type : new int[] {0, 43, 99, -1, 0x80000000}) {
            hostile.sendBytes(RawClient.header(REQ, type, 3)).sendBytes("abc".getBytes(StandardCharsets.UTF_8));
            hostile.expectError("INVALID_COMMAND", "Unknown packet type");
        }
        hostile.send(PacketType.ECHO_REQ, "alive").expect(PacketType.ECHO_RES, "alive");
    }

    @Test
    void resMagicOnARequestIsRefusedButTheConnectionGoesOn() {
        RawClient hostile = connect();
        hostile.send(Packet.response(PacketType.SUBMIT_JOB, "f", "", "x"));
        hostile.expectError("INVALID_MAGIC", "Request magic expected");
        assertThat(server.snapshot().jobs()).isEmpty();
        hostile.send(PacketType.ECHO_REQ, "alive").expect(PacketType.ECHO_RES, "alive");
    }

    @Test
    void aMagicThatIsNeitherReqNorResLosesFramingAndCloses() {
        RawClient hostile = connect();
        hostile.sendBytes(RawClient.header(new byte[] {0, 'X', 'Y', 'Z'}, PacketType.ECHO_REQ.code(), 0));
        hostile.expectError("INVALID_MAGIC", "got \\x00XYZ; framing is lost");
        hostile.expectClosed();
    }

    @Test
    void malformedBodiesAreAnsweredAndSkipped() {
        RawClient hostile = connect();
        // CAN_DO_TIMEOUT needs one NUL between function and timeout; SUBMIT_JOB two before its data.
        hostile.send(Packet.of(Magic.REQ, PacketType.CAN_DO_TIMEOUT, "f1000".getBytes(StandardCharsets.UTF_8)));
        hostile.expectError("INVALID_ARGUMENTS", "CAN_DO_TIMEOUT needs 1 NUL-separated argument");
        hostile.send(Packet.of(Magic.REQ, PacketType.SUBMIT_JOB, "f\0x".getBytes(StandardCharsets.UTF_8)));
        hostile.expectError("INVALID_ARGUMENTS", "SUBMIT_JOB needs 2");
        hostile.send(PacketType.CAN_DO_TIMEOUT, "f", "soon");
        hostile.expectError("INVALID_ARGUMENTS", "timeout in milliseconds");
        // One-argument packets take the whole body, NULs included; STATUS_RES(_UNIQUE) could not repeat it.
        hostile.send(Packet.of(Magic.REQ, PacketType.GET_STATUS, "H:x\0:1".getBytes(StandardCharsets.UTF_8)));
        hostile.expectError("INVALID_ARGUMENTS", "GET_STATUS handle contains a NUL byte");
        hostile.send(Packet.of(Magic.REQ, PacketType.GET_STATUS_UNIQUE, "u\0".getBytes(StandardCharsets.UTF_8)));
        hostile.expectError("INVALID_ARGUMENTS", "GET_STATUS_UNIQUE unique contains a NUL byte");
        hostile.send(PacketType.ECHO_REQ, "alive").expect(PacketType.ECHO_RES, "alive");
    }

    @Test
    void lineBreakingBytesInNamesAreRefusedSoAdminRepliesKeepTheirLines() {
        RawClient hostile = connect();
        for (String bad : List.of("evil\nf\t9\t9\t9", "evil\r", "ev\0il")) {
            // CAN_DO and SET_CLIENT_ID take the whole body, so even a NUL reaches the name.
            hostile.send(Packet.of(Magic.REQ, PacketType.CAN_DO, bad.getBytes(StandardCharsets.UTF_8)));
            hostile.expectError("INVALID_ARGUMENTS", "CAN_DO function name contains");
            hostile.send(Packet.of(Magic.REQ, PacketType.SET_CLIENT_ID, bad.getBytes(StandardCharsets.UTF_8)));
            hostile.expectError("INVALID_ARGUMENTS", "SET_CLIENT_ID id contains");
        }
        hostile.send(PacketType.CAN_DO_TIMEOUT, "evil\nf", "1000");
        hostile.expectError("INVALID_ARGUMENTS", "CAN_DO_TIMEOUT function name contains a line feed (\\n) at byte 4");
        hostile.send(PacketType.SUBMIT_JOB, "evil\rf", "", "x");
        hostile.expectError("INVALID_ARGUMENTS", "SUBMIT_JOB function name contains a carriage return");
        hostile.send(PacketType.SUBMIT_JOB_BG, "f", "u\n.\nf", "x");
        hostile.expectError("INVALID_ARGUMENTS", "SUBMIT_JOB_BG unique contains a line feed");
        RawClient admin = connect();
        assertThat(admin.admin("create function a\rb")).startsWith("ERR INVALID_ARGUMENTS");

        // Nothing was stored: every admin list still has one record per line, and only "f" exists.
        assertThat(admin.adminList("status")).isEqualTo("f\t0\t0\t1\n.\n");
        assertThat(admin.adminList("prioritystatus")).isEqualTo("f\t0\t0\t0\t1\n.\n");
        assertThat(admin.adminList("show unique jobs")).isEqualTo(".\n");
        assertThat(admin.adminList("workers").split("\n")).hasSize(4) // bystander, hostile, admin, "."
                .noneMatch(line -> line.contains("evil") || line.contains("\r"));
        hostile.send(PacketType.ECHO_REQ, "alive").expect(PacketType.ECHO_RES, "alive");
    }

    @Test
    void anEpochCenturiesAheadIsHeldNotRunNorFatal() {
        // 10^13 s is about 317,000 years ahead: in milliseconds it fits a long, in nanoseconds it does not.
        RawClient client = connect();
        client.send(PacketType.SUBMIT_JOB_EPOCH, "f", "", "10000000000000", "never");
        String h = client.expect(PacketType.JOB_CREATED).fieldString(0);
        assertThat(server.snapshot().job(h)).get().extracting(JobSnapshot::state).isEqualTo(JobSnapshot.State.DELAYED);
        bystander.send(PacketType.GRAB_JOB_UNIQ).expect(PacketType.NO_JOB);
        // Beyond even milliseconds in a long: a precise error, the connection goes on.
        client.send(PacketType.SUBMIT_JOB_EPOCH, "f", "", Long.toString(Long.MAX_VALUE), "x");
        client.expectError("INVALID_ARGUMENTS", "is too far in the future");
        client.send(PacketType.ECHO_REQ, "alive").expect(PacketType.ECHO_RES, "alive");
    }

    @Test
    void aWorkStatusDenominatorWithANulIsRefusedAndGetStatusUniqueStillAnswers() {
        // WORK_STATUS's denominator is its last field (the rest of the body, NULs included), but
        // STATUS_RES_UNIQUE carries it before the client count, where a NUL cannot be.
        RawClient client = connect();
        String h = client.submit(PacketType.SUBMIT_JOB, "f", "u1", "x");
        bystander.grab();
        bystander.send(PacketType.WORK_STATUS, h, "1", "2\0" + "3");
        bystander.expectError("INVALID_ARGUMENTS", "WORK_STATUS denominator contains a NUL byte");
        assertThat(client.sync()).as("nothing forwarded").isEmpty();
        client.send(PacketType.GET_STATUS_UNIQUE, "u1");
        assertThat(client.expect(PacketType.STATUS_RES_UNIQUE).fieldString(4)).isEqualTo("0");
        bystander.send(PacketType.WORK_STATUS, h, "1", "2");
        client.expect(PacketType.WORK_STATUS, h, "1", "2");
        bystander.send(PacketType.WORK_COMPLETE, h, "done");
        client.expect(PacketType.WORK_COMPLETE, h, "done");
    }

    @Test
    void unparsableAdminLinesGetErrAndAnOverlongLineClosesAfterTheAnswer() {
        RawClient hostile = connect();
        assertThat(hostile.admin("\u00ff\u00fe garbage \u0001")).startsWith("ERR UNKNOWN_COMMAND Unknown+server+command:+");
        assertThat(hostile.admin("show")).isEqualTo("ERR UNKNOWN_SHOW_ARGUMENTS\n");
        byte[] line = new byte[20_000];
        Arrays.fill(line, (byte) 'a');
        hostile.sendBytes(line);
        assertThat(hostile.readLine()).isEqualTo("ERR LINE_TOO_LONG Text+line+longer+than+8192+bytes\n");
        hostile.expectClosed();
    }

    @Test
    void workPacketsForSomebodyElsesJobDoNotDisturbIt() {
        RawClient client = connect();
        String h = client.submit(PacketType.SUBMIT_JOB, "f", "", "x");
        RawClient hostile = connect();
        for (PacketType t : List.of(PacketType.WORK_COMPLETE, PacketType.WORK_DATA, PacketType.WORK_WARNING,
                PacketType.WORK_EXCEPTION)) {
            hostile.send(t, h, "forged");
            hostile.expectError("JOB_NOT_FOUND", h);
        }
        assertThat(client.sync()).isEmpty();
        assertThat(bystander.grab().fieldString(0)).isEqualTo(h);
        bystander.send(PacketType.WORK_COMPLETE, h, "real");
        client.expect(PacketType.WORK_COMPLETE, h, "real");
    }
}
