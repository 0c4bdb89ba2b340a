package dev.gear.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.gear.server.Server;

/**
 * Our server as its own process, the way a user runs it: {@code java [jvm options] -jar geard.jar
 * -d -p 0 --listen-address 127.0.0.1}, with the benchmark's own {@code java}. By default no JVM
 * options at all (the JVM's ergonomics choose heap and GC, as for a user who types the command).
 *
 * <p>geard binds port 0 and logs {@code geard listening on host:port}; a reader thread follows its
 * output (stderr merged into stdout), completes a future on that line and keeps draining the output
 * so geard never blocks on a full pipe. Stopped by its own PID with SIGTERM (geard exits 0 on it).
 */
final class GeardTarget implements Target {
    private static final String HOST = "127.0.0.1";
    private static final Pattern LISTENING = Pattern.compile("geard listening on (\\S+):(\\d+)$");
    private static final long START_TIMEOUT_SECONDS = 30;
    private static final int LINES_KEPT = 50;

    private final Process process;
    private final List<String> command;
    private final List<String> output;
    private final int port;
    private final Thread killOnExit;

    private GeardTarget(Process process, List<String> command, List<String> output, int port) {
        this.process = process;
        this.command = command;
        this.output = output;
        this.port = port;
        // A benchmark stopped with Ctrl-C must not leave its geard behind.
        this.killOnExit = new Thread(process::destroy, "geard-" + process.pid() + "-reaper");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    static GeardTarget start(Path jar, List<String> jvmOptions) {
        return start(jar, jvmOptions, List.of());
    }

    /** @param serverOptions more geard options ({@code --ssl-key ...}) */
    static GeardTarget start(Path jar, List<String> jvmOptions, List<String> serverOptions) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing (./mvnw -q package -pl gear-protocol"
                    + " -DskipTests builds it; --geard-jar=PATH points elsewhere)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString(), "-d", "-p", "0", "--listen-address", HOST));
        command.addAll(serverOptions);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
        List<String> output = new ArrayList<>();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> follow(process, output, listening), "geard-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        try {
            int port = listening.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new GeardTarget(process, command, output, port);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("geard did not log 'geard listening on " + HOST + ":PORT' within "
                    + START_TIMEOUT_SECONDS + " s\ncommand: " + String.join(" ", command) + "\noutput:\n"
                    + String.join("\n", snapshot(output)));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting geard", e);
        }
    }

    /** Keeps geard's last output lines (for diagnostics), spots the listening line, drains the pipe. */
    private static void follow(Process process, List<String> output, CompletableFuture<Integer> listening) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (output) {
                    output.add(line);
                    if (output.size() > LINES_KEPT) {
                        output.remove(0);
                    }
                }
                Matcher m = LISTENING.matcher(line);
                if (m.find() && m.group(1).equals(HOST)) {
                    listening.complete(Integer.parseInt(m.group(2)));
                }
            }
        } catch (IOException streamClosed) {
            // the process is gone
        } finally {
            listening.completeExceptionally(new IllegalStateException("geard's output ended"));
        }
    }

    private static List<String> snapshot(List<String> output) {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    @Override
    public String name() {
        return "geard";
    }

    @Override
    public String description() {
        return "gear-java " + Server.version() + " as a separate JVM, pid " + process.pid() + ": "
                + String.join(" ", command);
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
    public boolean isJvm() {
        return true;
    }

    @Override
    public long cpuNanos() {
        return Target.cpuNanos(process);
    }

    /** SIGTERM to our own child by its PID; SIGKILL when it does not exit within 10 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                System.err.println("geard pid " + process.pid() + " ignored SIGTERM for 10 s; killing it");
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            } else if (process.exitValue() != 0) {
                System.err.println("geard pid " + process.pid() + " exited with status " + process.exitValue()
                        + " after SIGTERM (expected 0); last output:\n" + String.join("\n", snapshot(output)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException alreadyExiting) {
            // the hook runs anyway
        }
    }
}
