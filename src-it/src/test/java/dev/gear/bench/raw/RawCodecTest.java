package dev.gear.bench.raw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.gear.Packet;
import dev.gear.PacketType;

/** The benchmark's own encoder writes what the library's Packet writes, and its decoder reads it back. */
class RawCodecTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] written(ByteBuffer out) {
        byte[] b = new byte[out.position()];
        out.get(0, b);
        return b;
    }

    @Test
    void submitWithDistinctUniqueIsByteForByteTheLibrarysPacket() {
        ByteBuffer out = ByteBuffer.allocate(256);
        RawCodec.submit(out, RawCodec.SUBMIT_JOB, bytes("fn"), 1204, bytes("payload"));
        assertThat(written(out)).isEqualTo(
                Packet.request(PacketType.SUBMIT_JOB, bytes("fn"), bytes("1204"), bytes("payload")).toBinary());
    }

    @Test
    void backgroundSubmitWithEmptyUniqueAndControlPackets() {
        ByteBuffer out = ByteBuffer.allocate(256);
        RawCodec.submit(out, RawCodec.SUBMIT_JOB_BG, bytes("fn"), -1, bytes("x"));
        RawCodec.oneArgument(out, RawCodec.CAN_DO, bytes("fn"));
        RawCodec.empty(out, RawCodec.GRAB_JOB);
        ByteBuffer expected = ByteBuffer.allocate(256)
                .put(Packet.request(PacketType.SUBMIT_JOB_BG, bytes("fn"), new byte[0], bytes("x")).toBinary())
                .put(Packet.request(PacketType.CAN_DO, bytes("fn")).toBinary())
                .put(Packet.request(PacketType.GRAB_JOB).toBinary());
        assertThat(written(out)).isEqualTo(written(expected));
    }

    @Test
    void decodesAJobAssignAndAnswersItWithWorkComplete() {
        ByteBuffer in = ByteBuffer.wrap(
                Packet.response(PacketType.JOB_ASSIGN, bytes("H:7"), bytes("fn"), bytes("data")).toBinary());
        int length = RawCodec.packetLength(in, RawCodec.RES);
        assertThat(length).isEqualTo(in.remaining());
        assertThat(RawCodec.type(in, 0)).isEqualTo(RawCodec.JOB_ASSIGN);
        int body = RawCodec.HEADER;
        int end = body + RawCodec.bodyLength(in, 0);
        int handleEnd = RawCodec.argumentEnd(in, body, end);
        int functionEnd = RawCodec.argumentEnd(in, handleEnd + 1, end);
        assertThat(RawCodec.equalBytes(in, body, bytes("H:7"), 3)).isTrue();

        ByteBuffer out = ByteBuffer.allocate(64);
        RawCodec.workComplete(out, in, body, handleEnd - body, functionEnd + 1, end - functionEnd - 1);
        assertThat(written(out)).isEqualTo(
                Packet.request(PacketType.WORK_COMPLETE, bytes("H:7"), bytes("data")).toBinary());
    }

    @Test
    void anIncompleteHeaderIsNotAPacketYetAndABadMagicIsRefused() {
        ByteBuffer partial = ByteBuffer.wrap(Packet.response(PacketType.NOOP).toBinary(), 0, 11);
        assertThat(RawCodec.packetLength(partial, RawCodec.RES)).isEqualTo(-1);
        ByteBuffer request = ByteBuffer.wrap(Packet.request(PacketType.NOOP).toBinary());
        assertThatThrownBy(() -> RawCodec.packetLength(request, RawCodec.RES))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("bad magic");
    }
}
