package dev.gear.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;

import dev.gear.bench.raw.RawCodec;
import dev.gear.testkit.EmbeddedGearmanServer;

/**
 * The test kit's embedded server from {@code start()} to answering its first request (an ECHO on a
 * fresh connection), as gear-testkit's {@code StartCloseBenchmark} measures it: a test pays this
 * once per server it starts. The first start in a JVM loads classes; the figure that matters is the
 * median after warm-up.
 */
final class StartToReady {
    private static final byte[] ECHO = ByteBuffer.allocate(RawCodec.HEADER + 1)
            .putInt(RawCodec.REQ).putInt(RawCodec.ECHO_REQ).putInt(1).put((byte) 'x').array();

    /** Medians and the first, in milliseconds. */
    record Result(double firstMillis, double medianMillis, double p90Millis, int iterations) {
    }

    private StartToReady() {
    }

    static Result measure(int warmUp, int iterations) {
        double first = once() / 1e6;
        for (int i = 0; i < warmUp; i++) {
            once();
        }
        long[] samples = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            samples[i] = once();
        }
        Arrays.sort(samples);
        return new Result(first, Latencies.percentileMillis(samples, 50), Latencies.percentileMillis(samples, 90),
                iterations);
    }

    private static long once() {
        try (EmbeddedGearmanServer server = EmbeddedGearmanServer.builder().build()) {
            long t0 = System.nanoTime();
            server.start();
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setTcpNoDelay(true);
                socket.getOutputStream().write(ECHO);
                DataInputStream in = new DataInputStream(socket.getInputStream());
                byte[] header = new byte[RawCodec.HEADER];
                in.readFully(header);
                in.readFully(new byte[ByteBuffer.wrap(header).getInt(8)]);
            }
            return System.nanoTime() - t0;
        } catch (IOException e) {
            throw new UncheckedIOException("embedded server did not answer ECHO", e);
        }
    }
}
