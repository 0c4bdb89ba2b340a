package dev.gear.launch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code geard} child process started and followed until it listens; shared by the tests'
 * {@code GeardProcess} and the benchmark's {@code GeardTarget}, which differ only in how they
 * stop it.
 *
 * <p>No port is guessed: geard binds port 0 and logs {@code geard listening on host:port}. A
 * reader thread follows its output (stderr merged into stdout), keeps the last lines for
 * diagnostics, completes a future on that line and keeps draining the pipe so geard never blocks
 * on it; starting waits on that event or on the process's exit, not on a poll.
 */
public final class GeardLaunch {
    private static final Pattern LISTENING = Pattern.compile("geard listening on (\\S+):(\\d+)$");
    private static final Duration EXIT_WAIT = Duration.ofSeconds(10);
    private static final int OUTPUT_LINES_KEPT = 200;

    private final Process process;
    private final List<String> command;
    private final List<String> output;
    private final int port;

    private GeardLaunch(Process process, List<String> command, List<String> output, int port) {
        this.process = process;
        this.command = command;
        this.output = output;
        this.port = port;
    }

    /**
     * Runs {@code command} (a {@code java ... -jar geard.jar ... --listen-address host} line) and
     * returns once geard logged that it listens on {@code host}.
     *
     * @throws IOException when the process cannot be started
     * @throws IllegalStateException when geard exits, stays silent for {@code timeout} or the wait
     *         is interrupted; the message holds the command and what geard printed, and the
     *         process is killed
     */
    public static GeardLaunch start(List<String> command, String host, Duration timeout) throws IOException {
        List<String> line = List.copyOf(command);
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        process.getOutputStream().close();
        List<String> output = new ArrayList<>();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> follow(process, host, output, listening), "geard-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        try {
            return new GeardLaunch(process, line, output, awaitPort(process, host, listening, timeout));
        } catch (IllegalStateException e) {
            process.destroyForcibly();
            throw new IllegalStateException(e.getMessage() + "\ncommand: " + String.join(" ", line)
                    + "\noutput:\n" + String.join("\n", snapshot(output)), e);
        }
    }

    private static void follow(Process process, String host, List<String> output, CompletableFuture<Integer> listening) {
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
                if (m.find() && m.group(1).equals(host)) {
                    listening.complete(Integer.parseInt(m.group(2)));
                }
            }
        } catch (IOException streamClosed) {
            // the process is gone; its exit is reported by whoever waits on it
        } finally {
            listening.completeExceptionally(new IllegalStateException("geard's output ended"));
        }
    }

    private static int awaitPort(Process process, String host, CompletableFuture<Integer> listening, Duration timeout) {
        CompletableFuture<Object> first = CompletableFuture.anyOf(listening, process.onExit());
        try {
            first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (listening.isDone() && !listening.isCompletedExceptionally()) {
                return listening.join();
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("geard did not log 'geard listening on " + host + ":PORT' within "
                    + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            // the output ended: reported below with the exit status
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting geard", e);
        }
        try {
            boolean exited = process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
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

    public Process process() {
        return process;
    }

    /** The command line it was started with. */
    public List<String> command() {
        return command;
    }

    /** The port geard reported in its listening line. */
    public int port() {
        return port;
    }

    /** What geard printed so far (the last {@value #OUTPUT_LINES_KEPT} lines). */
    public List<String> output() {
        return snapshot(output);
    }
}
