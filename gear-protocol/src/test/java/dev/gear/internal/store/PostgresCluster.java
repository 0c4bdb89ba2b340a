package dev.gear.internal.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster from Debian's binaries ({@code apt-get install postgresql}):
 * initdb in a temporary directory, the server on 127.0.0.1 at a free port below 32768, stopped by
 * its PID. PostgreSQL refuses to run as root, so as root it runs as the {@code postgres} user
 * (through {@code setpriv}, which execs, so the PID we hold is the server's own).
 */
final class PostgresCluster implements AutoCloseable {
    private static final String READY = "database system is ready to accept connections";

    private final Path directory;
    private final Process server;
    private final int port;
    private final List<String> log;

    private PostgresCluster(Path directory, Process server, int port, List<String> log) {
        this.directory = directory;
        this.server = server;
        this.port = port;
        this.log = log;
    }

    /** The binaries' directory, newest version first. */
    static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("postgres")))
                    .max(Comparator.comparing(Path::toString));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Why no cluster can be started here, or empty. */
    static Optional<String> unavailableReason() {
        if (binaries().isEmpty()) {
            return Optional.of("no PostgreSQL binaries under /usr/lib/postgresql/*/bin (apt-get install -y postgresql)");
        }
        if (isRoot() && !Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            return Optional.of("running as root and /usr/bin/setpriv is missing (PostgreSQL refuses to run as root)");
        }
        return Optional.empty();
    }

    static PostgresCluster start() throws IOException, InterruptedException {
        Path bin = binaries().orElseThrow();
        Path directory = Files.createTempDirectory("gear-pg-");
        Path data = directory.resolve("data");
        Path sockets = Files.createDirectory(directory.resolve("sockets"));
        if (isRoot()) {
            run(List.of("chown", "-R", "postgres:postgres", directory.toString()));
        }
        run(asServerUser(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "gear",
                "--auth=trust", "-E", "UTF8", "--no-sync")));
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePortBelow32768();
            Process server = new ProcessBuilder(asServerUser(List.of(bin.resolve("postgres").toString(), "-D", data.toString(),
                    "-p", String.valueOf(port), "-k", sockets.toString(), "-c", "listen_addresses=127.0.0.1",
                    "-c", "fsync=on", "-c", "logging_collector=off")))
                    .redirectErrorStream(true).start();
            List<String> log = new ArrayList<>();
            if (awaitReady(server, log)) {
                return new PostgresCluster(directory, server, port, log);
            }
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            last = new IOException("postgres did not start on port " + port + ":\n" + String.join("\n", log));
        }
        deleteRecursively(directory);
        throw last;
    }

    /** Reads the server's log until it says it is ready (true), or exits / 30 s pass (false). */
    private static boolean awaitReady(Process server, List<String> log) throws InterruptedException {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    synchronized (log) {
                        log.add(line);
                        log.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the server stopped
            }
            synchronized (log) {
                log.add("(log ended)");
                log.notifyAll();
            }
        }, "postgres-log");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (log) {
            while (true) {
                if (log.stream().anyMatch(l -> l.contains(READY))) {
                    return true;
                }
                if (log.contains("(log ended)")) {
                    return false;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                log.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
        }
    }

    int port() {
        return port;
    }

    /** A libpq conninfo for the cluster's {@code postgres} database, as gearmand takes it. */
    String conninfo() {
        return "host=127.0.0.1 port=" + port + " dbname=postgres user=gear";
    }

    long pid() {
        return server.pid();
    }

    String log() {
        synchronized (log) {
            return String.join("\n", log);
        }
    }

    /** Fast shutdown (SIGINT), by PID; SIGKILL if it does not stop in 30 s; then the files go. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (server.isAlive()) {
                new ProcessBuilder("kill", "-INT", String.valueOf(server.pid())).start().waitFor(10, TimeUnit.SECONDS);
                if (!server.waitFor(30, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            deleteRecursively(directory);
        }
    }

    private static List<String> asServerUser(List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres",
                "--init-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePortBelow32768() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port between 20000 and 32000 after 50 tries");
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + new String(output, StandardCharsets.UTF_8));
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
