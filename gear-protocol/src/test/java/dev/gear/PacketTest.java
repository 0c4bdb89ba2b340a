package dev.gear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A packet's fields as the wire body separates them, for types with and without separators. */
class PacketTest {

    @Test
    void aTypeWithoutFieldsIsWellFormedWithAnEmptyBody() {
        Packet grab = Packet.of(Magic.REQ, PacketType.GRAB_JOB, new byte[0]);
        assertThat(grab.isWellFormed()).isTrue();
        assertThat(grab.fieldCount()).isZero();
        assertThatThrownBy(() -> grab.field(0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void aLoneDataTailOrArgumentIsTheWholeBody() {
        Packet echo = Packet.of(Magic.REQ, PacketType.ECHO_REQ, bytes("a\0b"));
        assertThat(echo.data()).isEqualTo(bytes("a\0b"));
        Packet canDo = Packet.of(Magic.REQ, PacketType.CAN_DO, bytes("resize"));
        assertThat(canDo.fieldString(0)).isEqualTo("resize");
        // Two packets of separator-free types do not share what they read.
        assertThat(Packet.of(Magic.REQ, PacketType.CAN_DO, bytes("other")).fieldString(0)).isEqualTo("other");
        assertThat(canDo.fieldString(0)).isEqualTo("resize");
    }

    @Test
    void fieldsAreSplitAtTheirSeparatorsAndTheDataKeepsItsNuls() {
        Packet submit = Packet.of(Magic.REQ, PacketType.SUBMIT_JOB, bytes("resize\0u-1\0x\0y"));
        assertThat(submit.fieldCount()).isEqualTo(3);
        assertThat(submit.fieldString(0)).isEqualTo("resize");
        assertThat(submit.fieldString(1)).isEqualTo("u-1");
        assertThat(submit.data()).isEqualTo(bytes("x\0y"));
        Packet empty = Packet.of(Magic.REQ, PacketType.SUBMIT_JOB, bytes("f\0\0"));
        assertThat(empty.field(1)).isEmpty();
        assertThat(empty.data()).isEmpty();
    }

    @Test
    void aBodyMissingASeparatorIsRefusedWithWhatItNeeds() {
        Packet broken = Packet.of(Magic.REQ, PacketType.SUBMIT_JOB, bytes("resize\0data"));
        assertThat(broken.isWellFormed()).isFalse();
        assertThatThrownBy(() -> broken.field(0)).isInstanceOf(InvalidDataException.class)
                .hasMessageContaining("SUBMIT_JOB needs 2 NUL-separated arguments");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
