package dev.gear.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The output queue encodes exactly the wire bytes (packets, raw arrays and slices of arrays), however
 * the writes split them.
 */
class OutputQueueTest {

    @Test
    void encodesPacketsAndRawBytesAsOnTheWire() {
        OutputQueue queue = new OutputQueue();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        fill(queue, expected, new Random(1), 50);
        assertThat(queue.bytes()).isEqualTo(expected.size());

        ByteBuffer out = ByteBuffer.allocate(expected.size() + 100);
        queue.copyTo(out);
        assertThat(out.position()).isEqualTo(expected.size());
        assertThat(java.util.Arrays.copyOf(out.array(), out.position())).isEqualTo(expected.toByteArray());
        assertThat(queue.bytes()).as("copying consumes nothing").isEqualTo(expected.size());
        queue.consume(expected.size());
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.bytes()).isZero();
    }

    /**
     * Every buffer size from 1 to 40 bytes and random partial "writes": each resumes at the exact
     * byte, including inside a header.
     */
    @Test
    void partialWritesResumeAtTheExactByte() {
        for (int bufferSize = 1; bufferSize <= 40; bufferSize++) {
            Random random = new Random(bufferSize);
            OutputQueue queue = new OutputQueue();
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            fill(queue, expected, random, 40);
            ByteArrayOutputStream written = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocateDirect(bufferSize);
            while (!queue.isEmpty()) {
                buffer.clear();
                queue.copyTo(buffer);
                buffer.flip();
                int taken = random.nextInt(buffer.remaining() + 1); // the socket takes some, maybe none
                byte[] chunk = new byte[taken];
                buffer.get(chunk);
                written.writeBytes(chunk);
                queue.consume(taken);
                assertThat(queue.bytes()).isEqualTo(expected.size() - written.size());
            }
            assertThat(written.toByteArray()).as("buffer of %d bytes", bufferSize).isEqualTo(expected.toByteArray());
        }
    }

    @Test
    void growsPastItsInitialSlotsAndClears() {
        OutputQueue queue = new OutputQueue();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        // Interleave consumption with additions so the ring wraps before it grows.
        Random random = new Random(7);
        fill(queue, expected, random, 10);
        byte[] first = expected.toByteArray();
        queue.consume(first.length - 3);
        expected.reset();
        expected.write(first, first.length - 3, 3);
        fill(queue, expected, random, 100);
        ByteBuffer out = ByteBuffer.allocate(expected.size());
        queue.copyTo(out);
        assertThat(out.array()).isEqualTo(expected.toByteArray());
        queue.clear();
        assertThat(queue.isEmpty()).isTrue();
        assertThat(queue.bytes()).isZero();
    }

    @Test
    void aSliceOutsideItsArrayIsRefused() {
        OutputQueue queue = new OutputQueue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> queue.add(new byte[10], 8, 3))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(queue.isEmpty()).isTrue();
    }

    private static void fill(OutputQueue queue, ByteArrayOutputStream expected, Random random, int count) {
        for (int i = 0; i < count; i++) {
            switch (random.nextInt(5)) {
                case 0: {
                    Packet p = Packet.request(PacketType.GRAB_JOB);
                    queue.add(p);
                    expected.writeBytes(p.toBinary());
                    break;
                }
                case 1: {
                    byte[] data = new byte[random.nextInt(70)];
                    random.nextBytes(data);
                    Packet p = Packet.of(random.nextBoolean() ? Magic.REQ : Magic.RES, PacketType.ECHO_RES, data);
                    queue.add(p);
                    expected.writeBytes(p.toBinary());
                    break;
                }
                case 2: {
                    // Part of a larger array, queued where it lies (a job's data inside its body).
                    byte[] array = new byte[random.nextInt(90)];
                    random.nextBytes(array);
                    int offset = random.nextInt(array.length + 1);
                    int length = random.nextInt(array.length - offset + 1);
                    queue.add(array, offset, length);
                    expected.write(array, offset, length);
                    break;
                }
                case 3: {
                    // A whole array queued as a range (a job's data in an array of its own).
                    byte[] array = new byte[1 + random.nextInt(90)];
                    random.nextBytes(array);
                    queue.add(array, 0, array.length);
                    expected.writeBytes(array);
                    break;
                }
                default: {
                    byte[] text = ("line " + i + "\n").getBytes(StandardCharsets.US_ASCII);
                    queue.add(text);
                    expected.writeBytes(text);
                }
            }
        }
    }
}
