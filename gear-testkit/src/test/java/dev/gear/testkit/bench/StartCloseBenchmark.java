package dev.gear.testkit.bench;

import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.testkit.EmbeddedGearmanServer;
import dev.gear.testkit.TestCertificates;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Measures how long an {@link EmbeddedGearmanServer} takes from {@code start()} to answering its
 * first request (an ECHO round trip on a fresh connection), and how long {@code close()} takes.
 * A program that prints numbers, not a timed test.
 *
 * <p>Run: {@code ./mvnw -q test-compile -pl gear-testkit -am} then
 * {@code java -cp <test-classes:classes:deps> dev.gear.testkit.bench.StartCloseBenchmark [iterations]}
 * (see gear-testkit/README.md for the one-liner).
 */
public final class StartCloseBenchmark {
    private StartCloseBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int warmup = Math.max(10, iterations / 5);
        System.out.printf("JDK %s, %d cores; %d warm-up + %d measured iterations each%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), warmup, iterations);
        run("plain", () -> EmbeddedGearmanServer.builder().build(), warmup, iterations);

        // TLS: the JVM-wide certificates are generated once, outside the measurement (as in a test run).
        long g0 = System.nanoTime();
        TestCertificates certs = TestCertificates.get();
        SSLSocketFactory factory = certs.clientContext("bench").getSocketFactory();
        System.out.printf("TestCertificates.get() first call (CA + server certificate): %s%n",
                ms(System.nanoTime() - g0));
        Echo.sockets = s -> {
            try {
                SSLSocket socket = (SSLSocket) factory.createSocket("127.0.0.1", s.port());
                socket.startHandshake();
                return socket;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        run("tls", () -> EmbeddedGearmanServer.builder().tls(certs).build(), warmup, iterations);
    }

    static void run(String name, Supplier<EmbeddedGearmanServer> factory, int warmup, int iterations)
            throws IOException {
        for (int i = 0; i < warmup; i++) {
            once(factory);
        }
        List<Long> ready = new ArrayList<>();
        List<Long> close = new ArrayList<>();
        for (int i = 0; i < iterations; i++) {
            long[] t = once(factory);
            ready.add(t[0]);
            close.add(t[1]);
        }
        System.out.printf("%-6s start-to-ready median %s p90 %s | close median %s p90 %s%n", name,
                ms(percentile(ready, 50)), ms(percentile(ready, 90)), ms(percentile(close, 50)),
                ms(percentile(close, 90)));
    }

    private static long[] once(Supplier<EmbeddedGearmanServer> factory) throws IOException {
        EmbeddedGearmanServer server = factory.get();
        long t0 = System.nanoTime();
        server.start();
        Echo.roundTrip(server);
        long t1 = System.nanoTime();
        server.close();
        long t2 = System.nanoTime();
        return new long[] {t1 - t0, t2 - t1};
    }

    /** The first request a peer can make: connect (and handshake, under TLS) and ECHO. */
    static final class Echo {
        static java.util.function.Function<EmbeddedGearmanServer, Socket> sockets = s -> {
            try {
                return new Socket("127.0.0.1", s.port());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };

        static void roundTrip(EmbeddedGearmanServer server) throws IOException {
            try (Socket s = sockets.apply(server)) {
                s.setTcpNoDelay(true);
                s.getOutputStream().write(Packet.request(PacketType.ECHO_REQ, new byte[] {'x'}).toBinary());
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] header = new byte[12];
                in.readFully(header);
                int length = ((header[8] & 0xff) << 24) | ((header[9] & 0xff) << 16) | ((header[10] & 0xff) << 8)
                        | (header[11] & 0xff);
                in.readFully(new byte[length]);
                if (header[7] != (byte) PacketType.ECHO_RES.code()) {
                    throw new IOException("expected ECHO_RES, got type " + header[7]);
                }
            }
        }
    }

    static long percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static String ms(long nanos) {
        return String.format("%.2f ms", nanos / 1e6);
    }
}
