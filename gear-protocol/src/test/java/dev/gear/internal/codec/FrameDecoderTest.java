package dev.gear.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
    private static final long MAX = 64L * 1024 * 1024;

    private static final List<Object> SEQUENCE = List.of(
            Packet.request(PacketType.SUBMIT_JOB, "reverse", "u-1", "data\0with\0nuls"),
            "line:status",
            Packet.request(PacketType.GRAB_JOB_UNIQ),
            Packet.response(PacketType.JOB_ASSIGN_UNIQ, "H:127.0.0.1:1", "reverse", "", "x"),
            "line:workers",
            Packet.request(PacketType.CAN_DO, "f\0odd"),
            Packet.request(PacketType.ECHO_REQ, new byte[0]),
            Packet.response(PacketType.STATUS_RES, "H:1", "1", "0", "3", "10"));

    private static byte[] encode(List<Object> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object f : frames) {
            if (f instanceof Packet) {
                out.writeBytes(((Packet) f).toBinary());
            } else {
                // Alternate line ends: gearmand mixes \n and \r\n.
                String line = ((String) f).substring("line:".length());
                out.writeBytes((line + (line.length() % 2 == 0 ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    @Test
    void decodesTheSameWhateverTheSplitPoints() {
        byte[] wire = encode(SEQUENCE);
        for (int a = 0; a <= wire.length; a++) {
            for (int b = a; b <= wire.length; b += 7) {
                FrameDecoder decoder = new FrameDecoder(MAX, 4096);
                RecordingListener listener = new RecordingListener();
                decoder.decode(ByteBuffer.wrap(wire, 0, a), listener);
                decoder.decode(ByteBuffer.wrap(Arrays.copyOfRange(wire, a, b)), listener);
                decoder.decode(ByteBuffer.wrap(Arrays.copyOfRange(wire, b, wire.length)), listener);
                assertThat(listener.frames).as("split at %d and %d", a, b).isEqualTo(SEQUENCE);
                assertThat(decoder.atFrameBoundary()).isTrue();
            }
        }
    }

    @Test
    void decodesByteByByte() {
        byte[] wire = encode(SEQUENCE);
        FrameDecoder decoder = new FrameDecoder(MAX, 4096);
        RecordingListener listener = new RecordingListener();
        for (byte b : wire) {
            decoder.decode(ByteBuffer.wrap(new byte[] {b}), listener);
        }
        assertThat(listener.frames).isEqualTo(SEQUENCE);
    }

    /**
     * Direct buffers (what the transport reads into) and either byte order decode the same: the
     * header fast path reads ints from the buffer only when its order is the wire's.
     */
    @Test
    void decodesFromDirectBuffersOfEitherByteOrder() {
        byte[] wire = encode(SEQUENCE);
        for (java.nio.ByteOrder order : List.of(java.nio.ByteOrder.BIG_ENDIAN, java.nio.ByteOrder.LITTLE_ENDIAN)) {
            ByteBuffer direct = ByteBuffer.allocateDirect(wire.length).order(order);
            direct.put(wire).flip();
            FrameDecoder decoder = new FrameDecoder(MAX, 4096);
            RecordingListener listener = new RecordingListener();
            decoder.decode(direct, listener);
            assertThat(listener.frames).as("%s", order).isEqualTo(SEQUENCE);
        }
    }

    /** Invalid magic is named the same whether the header arrived whole or byte by byte. */
    @Test
    void invalidMagicIsNamedTheSameWholeOrSplit() {
        byte[] bad = ByteBuffer.allocate(12).put(new byte[] {0, 'R', 'E', 'X'}).putInt(16).putInt(0).array();
        RecordingListener whole = new RecordingListener();
        new FrameDecoder(MAX, 4096).decode(ByteBuffer.wrap(bad), whole);
        RecordingListener split = new RecordingListener();
        FrameDecoder decoder = new FrameDecoder(MAX, 4096);
        for (byte b : bad) {
            decoder.decode(ByteBuffer.wrap(new byte[] {b}), split);
        }
        assertThat(whole.errors).singleElement().satisfies(e -> assertThat(e.message())
                .isEqualTo("Packet magic must be \\0REQ or \\0RES, got \\x00REX; framing is lost"));
        assertThat(split.errors).isEqualTo(whole.errors);
    }

    @Test
    void splitsFieldsByTypeNotByNul() {
        Packet submit = (Packet) SEQUENCE.get(0);
        assertThat(submit.fieldString(0)).isEqualTo("reverse");
        assertThat(submit.fieldString(1)).isEqualTo("u-1");
        assertThat(submit.data()).isEqualTo("data\0with\0nuls".getBytes(StandardCharsets.UTF_8));
        Packet canDo = (Packet) SEQUENCE.get(5);
        assertThat(canDo.fieldString(0)).isEqualTo("f\0odd");
    }

    @Test
    void decodesA16MiBPayloadArrivingInSmallReads() {
        byte[] payload = new byte[16 * 1024 * 1024];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        byte[] wire = Packet.request(PacketType.SUBMIT_JOB, "big".getBytes(StandardCharsets.UTF_8), new byte[0], payload)
                .toBinary();
        FrameDecoder decoder = new FrameDecoder(MAX, 4096);
        RecordingListener listener = new RecordingListener();
        for (int off = 0; off < wire.length; off += 65536) {
            decoder.decode(ByteBuffer.wrap(wire, off, Math.min(65536, wire.length - off)), listener);
        }
        assertThat(listener.frames).hasSize(1);
        assertThat(((Packet) listener.frames.get(0)).data()).isEqualTo(payload);
    }

    @Test
    void refusesADeclaredLengthAboveTheLimitBeforeAllocating() {
        ByteBuffer header = ByteBuffer.allocate(12).put(Magic.REQ.bytes()).putInt(PacketType.SUBMIT_JOB.code())
                .putInt(0x80000000);
        header.flip();
        FrameDecoder decoder = new FrameDecoder(MAX, 4096);
        RecordingListener listener = new RecordingListener();
        decoder.decode(header, listener);
        assertThat(listener.errors).singleElement().satisfies(e -> {
            assertThat(e.fatal()).isTrue();
            assertThat(e.code()).isEqualTo("ARGUMENT_TOO_LARGE");
            assertThat(e.message()).isEqualTo(
                    "Packet of type SUBMIT_JOB declares a 2147483648-byte body; the limit is 67108864 bytes");
        });
        assertThat(decoder.bufferedBytes()).isZero();
        assertThat(decoder.failed()).isTrue();
    }

    @Test
    void bodyBufferGrowsWithArrivingDataNotWithDeclaredLength() {
        ByteBuffer header = ByteBuffer.allocate(14).put(Magic.REQ.bytes()).putInt(PacketType.ECHO_REQ.code())
                .putInt(60 * 1024 * 1024).put((byte) 1).put((byte) 2);
        header.flip();
        FrameDecoder decoder = new FrameDecoder(MAX, 4096);
        RecordingListener listener = new RecordingListener();
        decoder.decode(header, listener);
        assertThat(listener.frames).isEmpty();
        assertThat(decoder.bufferedBytes()).isEqualTo(14);
        assertThat(decoder.allocatedBytes()).as("heap held for a 60 MiB body of which 2 bytes arrived")
                .isLessThanOrEqualTo(128 * 1024);
    }

    @Test
    void refusedLengthsAllocateNothing() {
        for (int declared : new int[] {0x80000000, 0xFFFFFFFF, (int) MAX + 1}) {
            FrameDecoder decoder = new FrameDecoder(MAX, 4096);
            long before = decoder.allocatedBytes();
            ByteBuffer header = ByteBuffer.allocate(12).put(Magic.REQ.bytes()).putInt(PacketType.ECHO_REQ.code())
                    .putInt(declared);
            header.flip();
            RecordingListener listener = new RecordingListener();
            decoder.decode(header, listener);
            assertThat(listener.errors).as("declared %s", Integer.toUnsignedString(declared)).singleElement()
                    .satisfies(e -> assertThat(e.code()).isEqualTo("ARGUMENT_TOO_LARGE"));
            assertThat(decoder.allocatedBytes()).as("declared %s", Integer.toUnsignedString(declared))
                    .isEqualTo(before);
        }
    }

    @Test
    void aBodyBufferDoublesAtMostAsDataArrives() {
        FrameDecoder decoder = new FrameDecoder(MAX, 4096);
        ByteBuffer header = ByteBuffer.allocate(12).put(Magic.REQ.bytes()).putInt(PacketType.ECHO_REQ.code())
                .putInt((int) MAX);
        header.flip();
        RecordingListener listener = new RecordingListener();
        decoder.decode(header, listener);
        long arrived = 0;
        for (int i = 0; i < 40; i++) {
            ByteBuffer chunk = ByteBuffer.allocate(10_000);
            decoder.decode(chunk, listener);
            arrived += 10_000;
            assertThat(decoder.allocatedBytes()).as("after %s body bytes", arrived)
                    .isLessThanOrEqualTo(Math.max(2 * arrived, 64 * 1024) + 12 + 4096);
        }
        assertThat(listener.frames).isEmpty();
    }

    /**
     * A read that brings a header and most of a large body (as a large read of a fast peer does)
     * makes the body array once, at its final size: it is not grown (copied) for the rest.
     */
    @Test
    void aBodyMostlyInTheFirstReadIsAllocatedOnceAtItsFullSize() {
        byte[] body = new byte[1 << 20];
        new java.util.Random(5).nextBytes(body);
        Packet big = Packet.of(Magic.REQ, PacketType.ECHO_REQ, body);
        byte[] wire = big.toBinary();
        FrameDecoder decoder = new FrameDecoder(MAX, 4096);
        RecordingListener listener = new RecordingListener();
        long empty = decoder.allocatedBytes();
        int first = 12 + 600_000;
        decoder.decode(ByteBuffer.wrap(wire, 0, first), listener);
        assertThat(decoder.allocatedBytes() - empty).as("after %d of %d body bytes", first - 12, body.length)
                .isEqualTo(body.length);
        decoder.decode(ByteBuffer.wrap(wire, first, 300_000), listener);
        assertThat(decoder.allocatedBytes() - empty).isEqualTo(body.length);
        decoder.decode(ByteBuffer.wrap(wire, first + 300_000, wire.length - first - 300_000), listener);
        assertThat(listener.frames).containsExactly(big);
    }

    /**
     * Between frames the read hint is a header plus the larger of the last two bodies (a worker
     * alternates a large WORK_COMPLETE and an empty GRAB_JOB); in a body, what is left of it.
     */
    @Test
    void theReadHintFollowsRecentBodies() {
        FrameDecoder decoder = new FrameDecoder(MAX, 4096);
        RecordingListener listener = new RecordingListener();
        assertThat(decoder.readHint()).isEqualTo(12);
        byte[] large = Packet.request(PacketType.WORK_COMPLETE, "H:1".getBytes(StandardCharsets.US_ASCII),
                new byte[500_000]).toBinary();
        decoder.decode(ByteBuffer.wrap(large, 0, 100_012), listener);
        assertThat(decoder.readHint()).isEqualTo(large.length - 100_012);
        decoder.decode(ByteBuffer.wrap(large, 100_012, large.length - 100_012), listener);
        assertThat(decoder.readHint()).isEqualTo(large.length);
        decoder.decode(ByteBuffer.wrap(Packet.request(PacketType.GRAB_JOB).toBinary()), listener);
        assertThat(decoder.readHint()).as("after one empty body").isEqualTo(large.length);
        decoder.decode(ByteBuffer.wrap(Packet.request(PacketType.GRAB_JOB).toBinary()), listener);
        assertThat(decoder.readHint()).as("after two").isEqualTo(12);
        assertThat(listener.frames).hasSize(3);
    }

    @Test
    void skipsAnUnknownTypeAndGoesOn() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(15).put(Magic.REQ.bytes()).putInt(99).putInt(3).put(new byte[] {1, 2, 3}).array());
        out.writeBytes(Packet.request(PacketType.ECHO_REQ, new byte[] {7}).toBinary());
        FrameDecoder decoder = new FrameDecoder(MAX, 4096);
        RecordingListener listener = new RecordingListener();
        decoder.decode(ByteBuffer.wrap(out.toByteArray()), listener);
        assertThat(listener.frames).containsExactly("error:INVALID_COMMAND", Packet.request(PacketType.ECHO_REQ, new byte[] {7}));
        assertThat(listener.errors.get(0).message()).isEqualTo("Unknown packet type 99 (valid types are 1 to 42)");
        assertThat(listener.errors.get(0).fatal()).isFalse();
    }

    @Test
    void reportsAMalformedBodyAndGoesOn() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Packet.of(Magic.REQ, PacketType.SUBMIT_JOB, "no-separators".getBytes(StandardCharsets.UTF_8)).toBinary());
        out.writeBytes("version\n".getBytes(StandardCharsets.UTF_8));
        FrameDecoder decoder = new FrameDecoder(MAX, 4096);
        RecordingListener listener = new RecordingListener();
        decoder.decode(ByteBuffer.wrap(out.toByteArray()), listener);
        assertThat(listener.frames).containsExactly("error:INVALID_ARGUMENTS", "line:version");
        assertThat(listener.errors.get(0).message()).isEqualTo(
                "SUBMIT_JOB needs 2 NUL-separated arguments before its data, but its 13-byte body has 0 NULs");
    }

    @Test
    void wrongMagicLosesFraming() {
        FrameDecoder decoder = new FrameDecoder(MAX, 4096);
        RecordingListener listener = new RecordingListener();
        decoder.decode(ByteBuffer.wrap(new byte[] {0, 'X', 'Y', 'Z', 0, 0, 0, 16, 0, 0, 0, 0, 's', '\n'}), listener);
        assertThat(listener.frames).containsExactly("error:INVALID_MAGIC");
        assertThat(listener.errors.get(0).fatal()).isTrue();
        assertThat(listener.errors.get(0).message()).isEqualTo("Packet magic must be \\0REQ or \\0RES, got \\x00XYZ; framing is lost");
    }

    @Test
    void refusesOverlongLines() {
        FrameDecoder decoder = new FrameDecoder(MAX, 16);
        RecordingListener listener = new RecordingListener();
        decoder.decode(ByteBuffer.wrap("0123456789abcdef\r\n".getBytes(StandardCharsets.US_ASCII)), listener);
        decoder.decode(ByteBuffer.wrap("0123456789abcdefgh".getBytes(StandardCharsets.US_ASCII)), listener);
        assertThat(listener.frames).containsExactly("line:0123456789abcdef", "error:LINE_TOO_LONG");
    }
}
