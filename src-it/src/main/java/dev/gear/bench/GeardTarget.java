package dev.gear.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.gear.launch.GeardLaunch;
import dev.gear.server.Server;

/**
 * Our server as its own process, the way a user runs it: {@code java [jvm options] -jar geard.jar
 * -d -p 0 --listen-address 127.0.0.1}, with the benchmark's own {@code java}. By default no JVM
 * options at all (the JVM's ergonomics choose heap and GC, as for a user who types the command).
 *
 * <p>Started by {@link GeardLaunch} (port 0, found in geard's log line; its output is drained so geard
 * never blocks on a full pipe). Stopped by its own PID with SIGTERM (geard exits 0 on it).
 */
final class GeardTarget implements Target {
    private static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final GeardLaunch launch;
    private final Process process;
    private final List<String> command;
    private final int port;
    private final Thread killOnExit;

    private GeardTarget(GeardLaunch launch) {
        this.launch = launch;
        this.process = launch.process();
        this.command = launch.command();
        this.port = launch.port();
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
        try {
            return new GeardTarget(GeardLaunch.start(command, HOST, START_TIMEOUT));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
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

    /** What geard printed so far (its last lines): its queue store's "loaded in" line, for one. */
    List<String> output() {
        return launch.output();
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
                        + " after SIGTERM (expected 0); last output:\n" + String.join("\n", launch.output()));
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
