package dev.gear.bench;

import dev.gear.bench.raw.RawCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One round of short-lived clients, as PHP and CGI front ends use Gearman (one connection per web
 * request): one thread keeps {@code inFlight} connections going at once, each connecting, sending
 * one SUBMIT_JOB, reading its JOB_CREATED and WORK_COMPLETE and closing, until {@code connections}
 * have been served. Workers (connected by the scenario) answer the jobs. The client side costs
 * almost nothing (one thread, one buffer per connection), so the time is the server's accept,
 * submit, dispatch and close paths plus the kernel's.
 */
final class RawFanInJobs {
    private RawFanInJobs() {
    }

    /** What one connection carries: its start time and what it has read. */
    private static final class Exchange {
        final long started = System.nanoTime();
        final ByteBuffer in = ByteBuffer.allocate(4096);
    }

    /**
     * One round: {elapsed nanos, errors}, with each connection's time (connect to result) in
     * {@code samples}; every socket is closed before it returns.
     */
    static long[] round(Target target, String function, byte[] payload, int connections, int inFlight,
            Latencies samples) {
        long errors = 0;
        ByteBuffer request = ByteBuffer.allocate(RawCodec.HEADER + function.length() + 2 + payload.length);
        RawCodec.submit(request, RawCodec.SUBMIT_JOB, function.getBytes(java.nio.charset.StandardCharsets.UTF_8), -1,
                payload);
        byte[] requestBytes = Arrays.copyOf(request.array(), request.position());
        InetSocketAddress address = new InetSocketAddress(target.host(), target.port());
        try (Selector selector = Selector.open()) {
            long start = System.nanoTime();
            long deadline = start + Scenario.REQUEST_TIMEOUT.toNanos() * 4;
            int opened = 0;
            int done = 0;
            int open = 0;
            while (done < connections) {
                while (open < inFlight && opened < connections) {
                    opened++;
                    open++;
                    try {
                        SocketChannel channel = SocketChannel.open();
                        channel.configureBlocking(false);
                        channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                        boolean connected = channel.connect(address);
                        SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT, new Exchange());
                        if (connected) {
                            send(key, requestBytes);
                        }
                    } catch (IOException e) {
                        errors++;
                        done++;
                        open--;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return new long[] {System.nanoTime() - start, errors + (connections - done)};
                }
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel channel = (SocketChannel) key.channel();
                    Exchange exchange = (Exchange) key.attachment();
                    int outcome = 0; // 0 going on, 1 done, -1 failed
                    try {
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isConnectable()) {
                            channel.finishConnect();
                            send(key, requestBytes);
                        } else if (key.isReadable()) {
                            if (channel.read(exchange.in) < 0) {
                                outcome = -1;
                            } else {
                                outcome = parse(exchange.in);
                            }
                        }
                    } catch (IOException e) {
                        outcome = -1;
                    }
                    if (outcome != 0) {
                        if (outcome > 0) {
                            samples.add(System.nanoTime() - exchange.started);
                        } else {
                            errors++;
                        }
                        key.cancel();
                        try {
                            channel.close();
                        } catch (IOException ignored) {
                            // the exchange is over either way
                        }
                        done++;
                        open--;
                    }
                }
                selector.selectedKeys().clear();
            }
            return new long[] {System.nanoTime() - start, errors};
        } catch (IOException e) {
            return new long[] {0, connections};
        }
    }

    private static void send(SelectionKey key, byte[] request) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(request);
        ((SocketChannel) key.channel()).write(out);
        if (out.hasRemaining()) {
            throw new IOException("short write of a " + request.length + "-byte request");
        }
        key.interestOps(SelectionKey.OP_READ);
    }

    /** 1 once WORK_COMPLETE arrived, -1 for WORK_FAIL, ERROR or bad framing, 0 while waiting. */
    private static int parse(ByteBuffer in) {
        int at = 0;
        int end = in.position();
        while (end - at >= RawCodec.HEADER) {
            int length = in.getInt(at + 8);
            if (in.getInt(at) != RawCodec.RES || length < 0 || length > in.capacity() - RawCodec.HEADER) {
                return -1;
            }
            if (end - at < RawCodec.HEADER + length) {
                break;
            }
            int type = in.getInt(at + 4);
            if (type == RawCodec.WORK_COMPLETE) {
                return 1;
            }
            if (type != RawCodec.JOB_CREATED) {
                return -1;
            }
            at += RawCodec.HEADER + length;
        }
        if (at > 0) {
            in.flip().position(at);
            in.compact();
        }
        return 0;
    }
}
