package dev.gear.it.support;

import dev.gear.launch.GeardLaunch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Our {@code geard} exactly as a user runs it: {@code java -jar geard.jar -d -p 0 --listen-address
 * 127.0.0.1} as a child process, stopped by its own PID with SIGTERM.
 *
 * <p>Started by {@link GeardLaunch} (port 0, found in geard's log line, waited for as an event).
 * {@link #close()} asserts the clean stop geard promises: exit status 0 after SIGTERM.
 */
public final class GeardProcess implements ServerUnderTest {
    /** The system property failsafe sets to {@code gear-protocol/target/geard.jar}. */
    public static final String JAR_PROPERTY = "gear.geardJar";

    private static final Path FALLBACK_JAR = Path.of("..", "gear-protocol", "target", "geard.jar");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final GeardLaunch launch;
    private final Process process;
    private final int port;
    private Integer exitCode;

    private GeardProcess(GeardLaunch launch) {
        this.launch = launch;
        this.process = launch.process();
        this.port = launch.port();
    }

    /** The runnable jar: the failsafe property, else the build's default location. */
    public static Path jar() {
        String configured = System.getProperty(JAR_PROPERTY);
        return configured != null ? Path.of(configured) : FALLBACK_JAR;
    }

    /** A loopback port below 32768 that nothing listened on a moment ago, for {@link #startOnPort}. */
    public static int freePort() {
        return LoopbackPorts.pickFree();
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
        return startOnPort(0, extraArgs);
    }

    /**
     * Starts geard as {@link #start(String...)} does, but on {@code port}: for a test that kills
     * geard and starts it again where its clients and workers reconnect ({@link #freePort()}).
     */
    public static GeardProcess startOnPort(int port, String... extraArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar().toString(),
                "-d", "-p", String.valueOf(port), "--listen-address", LoopbackPorts.HOST));
        command.addAll(Arrays.asList(extraArgs));
        return new GeardProcess(GeardLaunch.start(command, LoopbackPorts.HOST, START_TIMEOUT));
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
        return launch.command();
    }

    /** Everything geard printed so far (its last 200 lines). */
    public List<String> output() {
        return launch.output();
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
     * Kills geard with SIGKILL (by its PID: {@link Process#destroyForcibly()}), as a power cut or
     * an OOM killer would: no shutdown hook runs, nothing is flushed or closed. Waits for the exit.
     * Idempotent; {@link #close()} afterwards does not complain about the exit status.
     *
     * @return the exit status the JVM reports for a killed child (137 on Linux)
     */
    public int kill9() throws InterruptedException {
        if (exitCode != null) {
            return exitCode;
        }
        process.destroyForcibly();
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(this + " did not exit within " + STOP_TIMEOUT + " of SIGKILL");
        }
        exitCode = process.exitValue();
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
                + "command: " + String.join(" ", command()) + "\noutput:\n" + String.join("\n", output()) + "\n";
    }

    @Override
    public String toString() {
        return "geard pid " + process.pid() + " on " + LoopbackPorts.HOST + ":" + port;
    }
}
