package dev.gear.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs libgearman's command-line tools ({@code /usr/bin/gearman}, {@code /usr/bin/gearadmin}) against
 * one server: one-shot runs with captured output and a timeout, and long-running {@code gearman -w}
 * workers ({@link ToolWorker}).
 *
 * <p>Output goes to temporary files rather than pipes, so a chatty tool can never block on a full
 * pipe while we wait for it to exit.
 */
public final class GearmanTool {
    public static final Path GEARMAN = Path.of("/usr/bin/gearman");
    public static final Path GEARADMIN = Path.of("/usr/bin/gearadmin");

    private final String host;
    private final int port;

    public GearmanTool(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** Tools pointed at a server under test. */
    public static GearmanTool against(ServerUnderTest server) {
        return new GearmanTool(server.host(), server.port());
    }

    /** Whether both tools are installed. */
    public static boolean isInstalled() {
        return Files.isExecutable(GEARMAN) && Files.isExecutable(GEARADMIN);
    }

    /** Runs {@code gearman -h HOST -p PORT args…} with {@code stdin} (may be empty) as its input. */
    public ToolResult gearman(byte[] stdin, Duration timeout, String... args) {
        return run(GEARMAN, stdin, timeout, args);
    }

    /** Runs {@code gearadmin -h HOST -p PORT args…}. */
    public ToolResult gearadmin(Duration timeout, String... args) {
        return run(GEARADMIN, new byte[0], timeout, args);
    }

    /**
     * Runs {@code tool -h HOST -p PORT args…}, feeding it {@code stdin} and closing its input.
     *
     * @throws AssertionError when it does not exit within {@code timeout} (it is killed first)
     */
    public ToolResult run(Path tool, byte[] stdin, Duration timeout, String... args) {
        List<String> command = command(tool, args);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("gearman-tool-", ".out");
            err = Files.createTempFile("gearman-tool-", ".err");
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            try (OutputStream input = process.getOutputStream()) {
                input.write(stdin);
            } catch (IOException toolExitedWithoutReading) {
                // the tool is free not to read its input (e.g. gearadmin); its result tells the story
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                throw new AssertionError("Did not exit within " + timeout.toMillis() + " ms: "
                        + new ToolResult(command, -1, Files.readAllBytes(out), Files.readString(err)));
            }
            return new ToolResult(command, process.exitValue(), Files.readAllBytes(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + String.join(" ", command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /**
     * Starts {@code gearman -w -f F1 -f F2 … [-- command args…]}: a worker that runs {@code command}
     * per job, with the job's data on its stdin and its stdout as the result (without a command it
     * echoes nothing back and prints the data). Call {@link ToolWorker#awaitRegistered} before
     * submitting work that must reach it.
     */
    public ToolWorker startWorker(List<String> functions, String... jobCommand) {
        return startWorker(functions, List.of(), jobCommand);
    }

    /**
     * Like {@link #startWorker(List, String...)}, with more worker options before the functions,
     * e.g. {@code List.of("-c", "6")} to exit after six jobs (then wait with
     * {@link ToolWorker#awaitExit}).
     */
    public ToolWorker startWorker(List<String> functions, List<String> workerOptions, String... jobCommand) {
        if (functions.isEmpty()) {
            throw new IllegalArgumentException("A worker needs at least one function");
        }
        Map<String, Integer> before = new LinkedHashMap<>();
        try (RawConnection admin = adminConnection()) {
            for (String f : functions) {
                before.put(f, registeredWorkers(admin, f));
            }
        }
        List<String> args = new ArrayList<>(List.of("-w"));
        args.addAll(workerOptions);
        for (String f : functions) {
            args.add("-f");
            args.add(f);
        }
        if (jobCommand.length > 0) {
            args.add("--");
            args.addAll(List.of(jobCommand));
        }
        List<String> command = command(GEARMAN, args.toArray(String[]::new));
        try {
            Path output = Files.createTempFile("gearman-worker-", ".out");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            process.getOutputStream().close();
            return new ToolWorker(process, command, output, this, before);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + String.join(" ", command), e);
        }
    }

    /** A fresh admin connection to the server. */
    RawConnection adminConnection() {
        return RawConnection.open(host, port);
    }

    /** The WORKERS column of {@code status} for {@code function}, 0 when it is not listed. */
    static int registeredWorkers(RawConnection admin, String function) {
        for (String line : admin.adminList("status")) {
            String[] columns = line.split("\t", -1);
            if (columns.length == 4 && columns[0].equals(function)) {
                return Integer.parseInt(columns[3]);
            }
        }
        return 0;
    }

    private List<String> command(Path tool, String... args) {
        List<String> command = new ArrayList<>(List.of(tool.toString(), "-h", host, "-p", String.valueOf(port)));
        command.addAll(List.of(args));
        return command;
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }
}
