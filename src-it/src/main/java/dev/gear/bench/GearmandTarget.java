package dev.gear.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * gearmand as a child process with the flags that make it fast and quiet on a small box
 * (by default {@code -t 1 -b 1024}, as issue 8 measures it, and {@code --verbose=WARNING}), log and pid files in a private temporary
 * directory, stopped by its own PID (SIGTERM).
 *
 * <p>gearmand cannot report a kernel-picked port, and it retries {@code bind()} silently when its
 * port is taken; so we pick a port below the ephemeral range that is free now, wait for it to accept,
 * and ask {@code getpid}: if another process answers, we stop our child and try another port.
 */
final class GearmandTarget implements Target {
    private static final String HOST = "127.0.0.1";
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int PORT_ATTEMPTS = 5;

    private final List<String> command;
    private final Process process;
    private final int port;
    private final Path directory;
    private final Thread killOnExit;
    private final String version;

    private GearmandTarget(Process process, int port, Path directory, String version, List<String> command) {
        this.command = List.copyOf(command);
        this.process = process;
        this.port = port;
        this.directory = directory;
        this.version = version;
        // A benchmark stopped with Ctrl-C must not leave its gearmand behind.
        this.killOnExit = new Thread(process::destroy, "gearmand-" + port + "-reaper");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    static GearmandTarget start(Path binary, List<String> tuning) {
        return start(binary, tuning, Duration.ofNanos(START_TIMEOUT_NANOS));
    }

    /** @param startTimeout how long it may take to accept connections (a queue replay takes longer) */
    static GearmandTarget start(Path binary, List<String> tuning, Duration startTimeout) {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is not executable (apt-get install gearman-job-server)");
        }
        String version = version(binary);
        try {
            Path directory = Files.createTempDirectory("gear-bench-gearmand-");
            for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
                GearmandTarget started = tryPort(binary, tuning, freePortBelowEphemeralRange(), directory, version,
                        startTimeout);
                if (started != null) {
                    return started;
                }
            }
            deleteRecursively(directory);
            throw new IllegalStateException("another process took the chosen gearmand port " + PORT_ATTEMPTS + " times");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static GearmandTarget tryPort(Path binary, List<String> tuning, int port, Path directory, String version,
            Duration startTimeout) throws IOException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--listen=" + HOST, "--port=" + port));
        command.addAll(tuning);
        command.addAll(List.of("--verbose=WARNING", "--log-file=" + directory.resolve("gearmand-" + port + ".log"),
                "--pid-file=" + directory.resolve("gearmand-" + port + ".pid")));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("gearmand-" + port + ".out").toFile()).start();
        GearmandTarget target = new GearmandTarget(process, port, directory, version, command);
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                target.abandon();
                throw new IllegalStateException("gearmand exited with status " + process.exitValue()
                        + " at start:\n" + target.logs());
            }
            long pid = pidAnswering(port);
            if (pid == process.pid()) {
                return target;
            }
            if (pid > 0 || System.nanoTime() > deadline) {
                target.abandon();
                if (pid > 0) {
                    return null; // someone else's server on this port
                }
                throw new IllegalStateException("gearmand did not accept connections on port " + port + " within "
                        + startTimeout.toSeconds() + " s");
            }
            sleepMillis(20);
        }
    }

    /** The PID the server on {@code port} reports, or -1 when nothing answers yet. */
    private static long pidAnswering(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 1000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write("getpid\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            if (line == null || !line.startsWith("OK ")) {
                return Long.MAX_VALUE; // answers, but is not a gearmand we can identify: not ours
            }
            return Long.parseLong(line.substring(3).trim());
        } catch (IOException | NumberFormatException notYet) {
            return -1;
        }
    }

    private static int freePortBelowEphemeralRange() throws IOException {
        for (int i = 0; i < 100; i++) {
            int candidate = ThreadLocalRandom.current().nextInt(20000, 32000);
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(false);
                probe.bind(new InetSocketAddress(InetAddress.getByName(HOST), candidate));
                return candidate;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port found in [20000, 32000)");
    }

    private static String version(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(5, TimeUnit.SECONDS);
            return out.lines().findFirst().orElse("gearmand (unknown version)");
        } catch (IOException e) {
            return "gearmand (version unknown: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "gearmand (version unknown)";
        }
    }

    @Override
    public String name() {
        return "gearmand";
    }

    @Override
    public String description() {
        return version + ", child process pid " + process.pid() + ": " + String.join(" ", command.subList(0,
                command.size() - 2)); // without the scratch log and pid file paths
    }

    @Override
    public String host() {
        return HOST;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public long cpuNanos() {
        return Target.cpuNanos(process);
    }

    @Override
    public void close() {
        abandon();
        deleteRecursively(directory);
    }

    /** Stops the child but keeps its files (the directory is shared by start attempts). */
    private void abandon() {
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException alreadyExiting) {
            // the hook runs anyway
        }
    }

    private String logs() {
        StringBuilder out = new StringBuilder();
        for (String file : List.of("gearmand-" + port + ".out", "gearmand-" + port + ".log")) {
            try {
                out.append(file).append(":\n").append(Files.readString(directory.resolve(file))).append('\n');
            } catch (IOException | UncheckedIOException missing) {
                out.append(file).append(": (none)\n");
            }
        }
        return out.toString();
    }

    private void stopProcess() {
        process.destroy(); // SIGTERM to our own child only
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
