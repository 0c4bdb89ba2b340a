package dev.gear.it.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * gearmand as a child process on a free port below 32768, for the client tests.
 *
 * <p>TODO(it-harness): replace with the src-it harness's {@code GearmandProcess} once it is on main;
 * it is used only through {@link TestServer}.
 */
final class LocalGearmand implements AutoCloseable {
    static final String BINARY = "/usr/sbin/gearmand";

    private final Path dir;
    private final int port;
    private Process process;

    private LocalGearmand(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    static boolean available() {
        return Files.isExecutable(Path.of(BINARY));
    }

    static LocalGearmand start() throws IOException {
        Path dir = Files.createTempDirectory("gearmand-client-it");
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20000, 32700);
            if (!portFree(port)) {
                continue;
            }
            LocalGearmand g = new LocalGearmand(dir, port);
            try {
                g.launch();
                return g;
            } catch (IOException e) {
                last = e;
                g.close();
            }
        }
        throw new IOException("could not start gearmand", last);
    }

    int port() {
        return port;
    }

    /** Starts gearmand (again) on the same port. */
    void launch() throws IOException {
        process = new ProcessBuilder(List.of(BINARY, "--listen=127.0.0.1", "--port=" + port, "--threads=1",
                "--backlog=1024", "--log-file=" + dir.resolve("gearmand.log"), "--verbose=WARNING",
                "--pid-file=" + dir.resolve("gearmand.pid")))
                .redirectErrorStream(true).redirectOutput(dir.resolve("gearmand.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("gearmand exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("gearmand.out")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // harness start-up poll, not a test wait
            }
        }
        throw new IOException("gearmand did not listen on " + port + " within 10 s");
    }

    /** Stops gearmand (SIGTERM) and waits for it to exit. */
    void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
