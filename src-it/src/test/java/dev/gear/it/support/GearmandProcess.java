package dev.gear.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * gearmand as a child process on 127.0.0.1, for one test or one scenario: started in the
 * foreground with its log and pid files in a private temporary directory, stopped by its own PID.
 *
 * <p>gearmand cannot bind port 0 and report the port, and when its port is taken it retries
 * {@code bind()} silently instead of failing. So {@link #start(String...)} picks a port that is free
 * at that moment, waits (with a deadline) until the port accepts connections, then asks
 * {@code getpid} on it: if the answer is not our child's PID, another process won the race for the
 * port, and we stop our child and try another port.
 *
 * <p>{@link #halt()} sends SIGTERM and keeps the port and directory; {@link #restart()} runs the
 * same command line again (the log files are appended to) and checks the same way that the
 * process answering on the port is the new child.
 */
public final class GearmandProcess implements ServerUnderTest {
    /** Where Debian's {@code gearman-job-server} installs the server. */
    public static final Path BINARY = Path.of("/usr/sbin/gearmand");

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int PORT_ATTEMPTS = 5;
    private static final int LOG_TAIL_LINES = 30;

    private volatile Process process;
    private final int port;
    private final Path directory;
    private final List<String> command;
    private boolean closed;

    private GearmandProcess(Process process, int port, Path directory, List<String> command) {
        this.process = process;
        this.port = port;
        this.directory = directory;
        this.command = command;
    }

    /** Why gearmand cannot run here, or empty when it can. */
    public static Optional<String> unavailableReason() {
        return Files.isExecutable(BINARY) ? Optional.empty()
                : Optional.of(BINARY + " is missing (apt-get install gearman-job-server)");
    }

    /**
     * Starts gearmand with the suite's standard flags plus {@code extraArgs} (e.g.
     * {@code "--job-retries=2"}) and returns once it accepts connections on its port.
     *
     * @throws IllegalStateException when it does not come up, with the tail of its log
     */
    public static GearmandProcess start(String... extraArgs) throws IOException {
        Path directory = Files.createTempDirectory("gearmand-it-");
        try {
            for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
                GearmandProcess started = tryPort(LoopbackPorts.pickFree(), directory, extraArgs);
                if (started != null) {
                    return started;
                }
            }
        } catch (RuntimeException | IOException e) {
            deleteRecursively(directory);
            throw e;
        }
        deleteRecursively(directory);
        throw new IllegalStateException("gearmand: another process took the chosen port " + PORT_ATTEMPTS
                + " times in a row, between our probe and gearmand's bind");
    }

    /** The running server, or null when another process answers on {@code port}. */
    private static GearmandProcess tryPort(int port, Path directory, String... extraArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                BINARY.toString(),
                "--listen=" + LoopbackPorts.HOST,
                "--port=" + port,
                "--threads=1",
                "--backlog=1024",
                "--log-file=" + directory.resolve("gearmand-" + port + ".log"),
                "--verbose=WARNING",
                "--pid-file=" + directory.resolve("gearmand-" + port + ".pid")));
        command.addAll(Arrays.asList(extraArgs));
        GearmandProcess candidate = new GearmandProcess(launch(command, directory, port), port, directory, command);
        return candidate.awaitOwnPort() ? candidate : null;
    }

    private static Process launch(List<String> command, Path directory, int port) throws IOException {
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("gearmand-" + port + ".out").toFile()))
                .start();
    }

    /**
     * Waits until the port accepts connections; true when our child answers there, false (child
     * stopped) when another process does.
     *
     * @throws IllegalStateException when the child exits or does not listen in time
     */
    private boolean awaitOwnPort() {
        try {
            ProcessPolling.awaitPort(process, LoopbackPorts.HOST, port, START_TIMEOUT);
        } catch (IllegalStateException e) {
            String diagnostics = diagnostics();
            stopProcess();
            throw new IllegalStateException("gearmand did not start: " + e.getMessage() + "\n" + diagnostics, e);
        }
        if (pidAnsweringOnPort() != process.pid()) {
            stopProcess();
            return false;
        }
        return true;
    }

    private long pidAnsweringOnPort() {
        try (RawConnection admin = RawConnection.open(LoopbackPorts.HOST, port)) {
            String reply = admin.adminLine("getpid");
            return Long.parseLong(reply.substring("OK ".length()).trim());
        } catch (RuntimeException | AssertionError notGearmandOrNotOurs) {
            return -1;
        }
    }

    @Override
    public Kind kind() {
        return Kind.GEARMAND;
    }

    @Override
    public String name() {
        return "gearmand";
    }

    @Override
    public String host() {
        return LoopbackPorts.HOST;
    }

    @Override
    public int port() {
        return port;
    }

    /** The current process's id (a {@link #restart()} gives a new one). */
    @Override
    public long processId() {
        return process.pid();
    }

    /** The command line it was started with. */
    public List<String> command() {
        return List.copyOf(command);
    }

    /** Whether the process is still running (false after a crash or {@link #close()}). */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The last lines of its log file and of its stdout/stderr, for failure messages. */
    @Override
    public String diagnostics() {
        return (process.isAlive() ? "" : "exited with status " + process.exitValue() + "\n")
                + "command: " + String.join(" ", command) + "\n"
                + tail(directory.resolve("gearmand-" + port + ".log"), "log")
                + tail(directory.resolve("gearmand-" + port + ".out"), "stdout/stderr");
    }

    /** SIGTERM (SIGKILL if ignored), waiting for the exit; the port and files stay ours for {@link #restart()}. */
    @Override
    public synchronized void halt() {
        if (process.isAlive()) {
            stopProcess();
        }
    }

    /**
     * Runs gearmand again with the same command line, on the same port.
     *
     * @throws IllegalStateException when it is running or closed, does not come up, or another
     *                               process took the port while it was down
     */
    @Override
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException(this + " was closed; it cannot restart");
        }
        if (process.isAlive()) {
            throw new IllegalStateException(this + " is running; halt() it first");
        }
        try {
            process = launch(command, directory, port);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot restart " + String.join(" ", command), e);
        }
        if (!awaitOwnPort()) {
            throw new IllegalStateException("gearmand could not restart on " + LoopbackPorts.HOST + ":" + port
                    + ": another process answers there now");
        }
    }

    /** Stops it with SIGTERM (gearmand's clean shutdown), SIGKILL if that is ignored, and cleans up. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stopProcess();
        } finally {
            deleteRecursively(directory);
        }
    }

    private void stopProcess() {
        ChildProcesses.terminate(process, STOP_TIMEOUT);
    }

    @Override
    public String toString() {
        return "gearmand pid " + process.pid() + " on " + LoopbackPorts.HOST + ":" + port;
    }

    private static String tail(Path file, String label) {
        if (!Files.exists(file)) {
            return "(no " + label + " file " + file + ")\n";
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return label + ": (empty)\n";
            }
            List<String> last = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
            return "last " + last.size() + " lines of " + label + " (" + file + "):\n" + String.join("\n", last) + "\n";
        } catch (IOException e) {
            return "(cannot read " + label + " " + file + ": " + e + ")\n";
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + directory, e);
        }
    }
}
