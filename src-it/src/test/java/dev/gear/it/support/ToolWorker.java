package dev.gear.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A long-running {@code gearman -w} worker process, started by {@link GearmanTool#startWorker}.
 * Closing it stops exactly this process (SIGTERM, then SIGKILL if needed) and removes its output file.
 */
public final class ToolWorker implements AutoCloseable {
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final Process process;
    private final List<String> command;
    private final Path output;
    private final GearmanTool tool;
    private final Map<String, Integer> registrationsBefore;
    private boolean closed;

    ToolWorker(Process process, List<String> command, Path output, GearmanTool tool,
            Map<String, Integer> registrationsBefore) {
        this.process = process;
        this.command = command;
        this.output = output;
        this.tool = tool;
        this.registrationsBefore = registrationsBefore;
    }

    /**
     * Returns once the server's {@code status} counts one more worker for each of this worker's
     * functions than before it started. The worker process sends no signal when it has registered,
     * so this polls the admin protocol (see {@link ProcessPolling}); it fails at once if the
     * process dies.
     */
    public ToolWorker awaitRegistered(Duration timeout) {
        try (RawConnection admin = tool.adminConnection()) {
            ProcessPolling.awaitCondition(process, "gearman worker " + registrationsBefore.keySet()
                    + " to register", timeout, () -> registrationsBefore.entrySet().stream()
                    .allMatch(e -> GearmanTool.registeredWorkers(admin, e.getKey()) > e.getValue()));
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage() + "\n" + diagnostics(), e);
        }
        return this;
    }

    /**
     * Waits for the worker to exit on its own (after {@code -c N} jobs) and returns everything it
     * printed (stdout and stderr, merged).
     *
     * @throws AssertionError when it is still running after {@code timeout}, or exits non-zero
     */
    public String awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("Still running after " + timeout.toMillis() + " ms\n" + diagnostics());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while waiting for the worker to exit", e);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("Exited with status " + process.exitValue() + "\n" + diagnostics());
        }
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("Cannot read " + output, e);
        }
    }

    /** The worker's process id. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Its command line and what it printed so far. */
    public String diagnostics() {
        String printed;
        try {
            printed = Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            printed = "(cannot read " + output + ": " + e + ")";
        }
        return "worker: " + String.join(" ", command) + "\n  alive: " + process.isAlive() + "\n  output: " + printed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            ChildProcesses.terminate(process, STOP_TIMEOUT);
        } finally {
            try {
                Files.deleteIfExists(output);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }
}
