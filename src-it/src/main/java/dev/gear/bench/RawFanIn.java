package dev.gear.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.gear.bench.raw.RawCodec;

/**
 * One fan-in round without our {@code Client}: one thread opens {@code connections} non-blocking
 * sockets at once, sends ECHO_REQ on each as soon as it is connected and waits for every ECHO_RES.
 * The client side costs almost nothing here (one thread, no per-connection thread or object graph),
 * so the time is the server's accept/serve/answer path plus the kernel's.
 */
final class RawFanIn {
    private static final byte[] ECHO = Sizes.payload(16);
    private static final byte[] REQUEST = packet(RawCodec.REQ, RawCodec.ECHO_REQ);
    private static final byte[] RESPONSE = packet(RawCodec.RES, RawCodec.ECHO_RES);

    private RawFanIn() {
    }

    /** One round: {elapsed nanos, errors}; every socket is closed before it returns. */
    static long[] round(Target target, int connections) {
        List<SocketChannel> channels = new ArrayList<>(connections);
        long errors = 0;
        try (Selector selector = Selector.open()) {
            long start = System.nanoTime();
            long deadline = start + Scenario.REQUEST_TIMEOUT.toNanos();
            InetSocketAddress address = new InetSocketAddress(target.host(), target.port());
            for (int i = 0; i < connections; i++) {
                SocketChannel channel = SocketChannel.open();
                channels.add(channel);
                channel.configureBlocking(false);
                boolean connected = channel.connect(address);
                ByteBuffer answer = ByteBuffer.allocate(RESPONSE.length);
                SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT, answer);
                if (connected) {
                    sendRequest(key);
                }
            }
            int pending = connections;
            while (pending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return new long[] {System.nanoTime() - start, errors + pending};
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel channel = (SocketChannel) key.channel();
                    try {
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isConnectable()) {
                            channel.finishConnect();
                            sendRequest(key);
                        } else if (key.isReadable()) {
                            ByteBuffer answer = (ByteBuffer) key.attachment();
                            if (channel.read(answer) < 0 || !answer.hasRemaining()) {
                                errors += Arrays.equals(answer.array(), RESPONSE) ? 0 : 1;
                                key.cancel();
                                pending--;
                            }
                        }
                    } catch (IOException e) {
                        errors++;
                        key.cancel();
                        pending--;
                    }
                }
                selector.selectedKeys().clear();
            }
            return new long[] {System.nanoTime() - start, errors};
        } catch (IOException e) {
            return new long[] {0, connections};
        } finally {
            for (SocketChannel channel : channels) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing a benchmark socket: nothing to do
                }
            }
        }
    }

    private static byte[] packet(int magic, int type) {
        ByteBuffer packet = ByteBuffer.allocate(RawCodec.HEADER + ECHO.length);
        packet.putInt(magic).putInt(type).putInt(ECHO.length).put(ECHO);
        return packet.array();
    }

    /** The request is 28 bytes: one write to a fresh socket takes it all. */
    private static void sendRequest(SelectionKey key) throws IOException {
        ByteBuffer request = ByteBuffer.wrap(REQUEST);
        ((SocketChannel) key.channel()).write(request);
        if (request.hasRemaining()) {
            throw new IOException("short write of a " + REQUEST.length + "-byte request");
        }
        key.interestOps(SelectionKey.OP_READ);
    }
}
