package dev.gear.bench.raw;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * One selector thread that drives many {@link RawConnection}s (clients and workers alike). On a
 * 2-core machine shared with the server, one thread doing non-blocking, pipelined I/O for every
 * connection leaves far more CPU to the server than a thread per connection would.
 *
 * <p>Everything a connection does runs on this thread; other threads hand work over with
 * {@link #execute}.
 */
public final class RawLoop implements AutoCloseable {
    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    public RawLoop(String name) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code task} on the loop thread. */
    public void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Runs {@code task} on the loop thread and waits for it. */
    public void call(Runnable task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        execute(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        done.join();
    }

    /**
     * Connects {@code connection} (blocking, in the caller's thread: set-up is not measured), then
     * hands it to the loop, which calls {@link RawConnection#onOpen()}.
     */
    public void connect(RawConnection connection, String host, int port) {
        connect(connection, host, port, null);
    }

    /** The same over TLS when {@code tls} is not null (the handshake too runs in the caller's thread). */
    public void connect(RawConnection connection, String host, int port, SSLContext tls) {
        try {
            SocketChannel channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(new InetSocketAddress(host, port));
            if (tls != null) {
                SSLEngine engine = tls.createSSLEngine(host, port);
                engine.setUseClientMode(true);
                connection.attachTls(engine, TlsHandshake.run(engine, channel));
            }
            channel.configureBlocking(false);
            call(() -> {
                try {
                    SelectionKey key = channel.register(selector, SelectionKey.OP_READ, connection);
                    connection.attach(channel, key);
                    connection.onOpen();
                    connection.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + host + ":" + port, e);
        }
    }

    private void run() {
        while (!closed) {
            try {
                selector.select();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
                task.run();
            }
            for (SelectionKey key : selector.selectedKeys()) {
                RawConnection connection = (RawConnection) key.attachment();
                if (!key.isValid()) {
                    continue;
                }
                if (key.isWritable()) {
                    connection.flush();
                }
                if (key.isValid() && key.isReadable()) {
                    connection.onReadable();
                }
            }
            selector.selectedKeys().clear();
        }
        for (SelectionKey key : selector.keys()) {
            ((RawConnection) key.attachment()).close();
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing: nothing to do
        }
    }

    /** Closes every connection of this loop and stops its thread. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
