package dev.gear.bench.raw;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * A client TLS handshake on a still-blocking channel, before the selector loop takes it: set-up is
 * not what the benchmark measures, and doing it here keeps the loop's TLS code to wrap and unwrap.
 */
final class TlsHandshake {
    private TlsHandshake() {
    }

    /** Runs the handshake; returns the network input buffer with anything read beyond it (write mode). */
    static ByteBuffer run(SSLEngine engine, SocketChannel channel) throws IOException {
        int packet = engine.getSession().getPacketBufferSize();
        ByteBuffer netIn = ByteBuffer.allocateDirect(2 * packet);
        ByteBuffer netOut = ByteBuffer.allocateDirect(2 * packet);
        ByteBuffer app = ByteBuffer.allocateDirect(2 * engine.getSession().getApplicationBufferSize());
        ByteBuffer empty = ByteBuffer.allocate(0);
        engine.beginHandshake();
        while (true) {
            HandshakeStatus status = engine.getHandshakeStatus();
            switch (status) {
                case NEED_WRAP -> {
                    netOut.clear();
                    engine.wrap(empty, netOut);
                    netOut.flip();
                    while (netOut.hasRemaining()) {
                        channel.write(netOut);
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    netIn.flip();
                    SSLEngineResult result = engine.unwrap(netIn, app);
                    netIn.compact();
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && channel.read(netIn) < 0) {
                        throw new EOFException("server closed the connection during the TLS handshake");
                    }
                    if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new EOFException("server closed TLS during the handshake");
                    }
                }
                case NEED_TASK -> runTasks(engine);
                default -> {
                    return netIn; // FINISHED or NOT_HANDSHAKING
                }
            }
        }
    }

    static void runTasks(SSLEngine engine) {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }
}
