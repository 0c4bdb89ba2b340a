package dev.gear.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Our {@code geard} exactly as a user runs it: {@code java -jar geard.jar -d -p 0 --listen-address
 * 127.0.0.1} as a child process, stopped by its own PID with SIGTERM.
 *
 * <p>No port is guessed: geard binds port 0 and logs {@code geard listening on host:port}; a reader
 * thread follows its output (stderr, merged into stdout) and completes a future on that line, so
 * starting waits on an event, not on a poll. {@link #close()} asserts the clean stop geard
 * promises: exit status 0 after SIGTERM.
 */
public final class GeardProcess implements ServerUnderTest {
    /** The system property failsafe sets to {@code gear-protocol/target/geard.jar}. */
    public static final String JAR_PROPERTY = "gear.geardJar";

    private static final Path FALLBACK_JAR = Path.of("..", "gear-protocol", "target", "geard.jar");
    private static final Pattern LISTENING = Pattern.compile("geard listening on (\\S+):(\\d+)$");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int OUTPUT_LINES_KEPT = 200;

    private final Process process;
    private final List<String> command;
    private final List<String> output;
    private final int port;
    private Integer exitCode;

    private GeardProcess(Process process, List<String> command, List<String> output, int port) {
        this.process = process;
        this.command = command;
        this.output = output;
        this.port = port;
    }

    /** The runnable jar: the failsafe property, else the build's default location. */
    public static Path jar() {
        String configured = System.getProperty(JAR_PROPERTY);
        return configured != null ? Path.of(configured) : FALLBACK_JAR;
    }

    /** Why geard cannot run here (its jar has not been built), or empty when it can. */
    public static Optional<String> unavailableReason() {
        Path jar = jar();
        return Files.isRegularFile(jar) ? Optional.empty()
                : Optional.of(jar.toAbsolutePath() + " is missing (./mvnw package builds it; -D" + JAR_PROPERTY
                        + "=PATH points elsewhere)");
    }

    /**
     * Starts geard with {@code -d -p 0 --listen-address 127.0.0.1} plus {@code extraArgs} and
     * returns once it has logged the port it listens on.
     *
     * @throws IllegalStateException when it exits or stays silent instead, with what it printed
     */
    public static GeardProcess start(String... extraArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar().toString(),
                "-d", "-p", "0", "--listen-address", LoopbackPorts.HOST));
        command.addAll(Arrays.asList(extraArgs));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        List<String> output = new ArrayList<>();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> follow(process, output, listening), "geard-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        GeardProcess geard;
        try {
            geard = new GeardProcess(process, command, output, awaitPort(process, listening));
        } catch (IllegalStateException e) {
            process.destroyForcibly();
            throw new IllegalStateException(e.getMessage() + "\ncommand: " + String.join(" ", command)
                    + "\noutput:\n" + String.join("\n", snapshot(output)), e);
        }
        return geard;
    }

    /** Copies geard's output lines (keeping the last few for diagnostics) and spots the listening line. */
    private static void follow(Process process, List<String> output, CompletableFuture<Integer> listening) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (output) {
                    output.add(line);
                    if (output.size() > OUTPUT_LINES_KEPT) {
                        output.remove(0);
                    }
                }
                Matcher m = LISTENING.matcher(line);
                if (m.find() && m.group(1).equals(LoopbackPorts.HOST)) {
                    listening.complete(Integer.parseInt(m.group(2)));
                }
            }
        } catch (IOException streamClosed) {
            // the process is gone; its exit is reported by whoever waits on it
        } finally {
            listening.completeExceptionally(new IllegalStateException("geard's output ended"));
        }
    }

    private static int awaitPort(Process process, CompletableFuture<Integer> listening) {
        CompletableFuture<Object> first = CompletableFuture.anyOf(listening, process.onExit());
        try {
            first.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (listening.isDone() && !listening.isCompletedExceptionally()) {
                return listening.join();
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("geard did not log 'geard listening on " + LoopbackPorts.HOST
                    + ":PORT' within " + START_TIMEOUT.toMillis() + " ms");
        } catch (ExecutionException e) {
            // the output ended: reported below with the exit status
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting geard", e);
        }
        try {
            boolean exited = process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            throw new IllegalStateException("geard exited before listening"
                    + (exited ? ", with status " + process.exitValue() : " (its output ended)"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting geard", e);
        }
    }

    private static List<String> snapshot(List<String> output) {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    @Override
    public Kind kind() {
        return Kind.GEAR_JAVA;
    }

    @Override
    public String name() {
        return "geard";
    }

    @Override
    public String host() {
        return LoopbackPorts.HOST;
    }

    /** The port geard reported in its startup log line. */
    @Override
    public int port() {
        return port;
    }

    /** The child JVM's pid: what geard's {@code getpid} must answer. */
    @Override
    public long processId() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The command line it was started with. */
    public List<String> command() {
        return List.copyOf(command);
    }

    /** Everything geard printed so far (the last {@value #OUTPUT_LINES_KEPT} lines). */
    public List<String> output() {
        return snapshot(output);
    }

    /**
     * Sends SIGTERM to this process (by its PID) and waits for it to exit; SIGKILL if it does not
     * within 10 s. Idempotent.
     *
     * @return its exit status (geard promises 0 after SIGTERM); -1 when it had to be killed
     */
    public int stop() {
        if (exitCode != null) {
            return exitCode;
        }
        exitCode = ChildProcesses.terminate(process, STOP_TIMEOUT).orElse(-1);
        return exitCode;
    }

    /**
     * Stops geard (see {@link #stop()}) and fails unless it exited with status 0: a clean stop on
     * SIGTERM is part of what every test against geard checks.
     */
    @Override
    public void close() {
        boolean first = exitCode == null;
        int status = stop();
        if (first && status != 0) {
            throw new AssertionError("geard pid " + process.pid() + " exited with status " + status
                    + " instead of 0 after SIGTERM\n" + diagnostics());
        }
    }

    @Override
    public String diagnostics() {
        return (process.isAlive() ? "" : "exited with status " + process.exitValue() + "\n")
                + "command: " + String.join(" ", command) + "\noutput:\n" + String.join("\n", output()) + "\n";
    }

    @Override
    public String toString() {
        return "geard pid " + process.pid() + " on " + LoopbackPorts.HOST + ":" + port;
    }
}
