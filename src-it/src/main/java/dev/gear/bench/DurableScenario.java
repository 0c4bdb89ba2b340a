package dev.gear.bench;

import dev.gear.internal.store.SqliteQueueStore;
import dev.gear.internal.store.StoredJob;
import dev.gear.internal.store.StoredKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Durable background jobs (issue 16), each server with its SQLite queue ({@code -q libsqlite3
 * --libsqlite3-db FILE}, gearmand's flags, which geard takes too), started by this scenario:
 * <ol>
 * <li>{@code durable enqueue}: background jobs with distinct unique ids (gearmand's SQLite key
 *     collapses jobs without one), pipelined; a JOB_CREATED means the row is durable on both. geard
 *     group-commits; gearmand commits one transaction per job, so it gets fewer jobs (the rate is
 *     what is compared).</li>
 * <li>{@code durable drain}: workers take them all, each completion removing its row.</li>
 * <li>{@code durable recovery}: a file of {@code recoveryJobs} rows in gearmand's layout (written
 *     once by our store, copied for each server) and the server started on it: start to ready
 *     (geard: its "listening" line, logged once every row is queued; gearmand: its port answering)
 *     as jobs/s, the seconds in the note; the queued count is checked with {@code status}.</li>
 * </ol>
 * One-shot; minutes with the default sizes, so not in the default scenario list.
 */
final class DurableScenario implements OwnServersScenario {
    private static final String RECOVERY_FUNCTION = "bench-durable-recovery";
    private static final Duration RECOVERY_START_TIMEOUT = Duration.ofMinutes(5);
    /** geard's log line after its queue store was read (QueueRecovery). */
    private static final Pattern LOADED = Pattern.compile("\\d+ background job\\(s\\) loaded in \\d+ ms");
    private final String id;
    private final BenchOptions options;
    private final BackgroundScenario ours;
    private final BackgroundScenario gearmands;
    private final long oursJobs;
    private final long gearmandJobs;
    private final int recoveryJobs;
    private final List<Target> started = new ArrayList<>();
    private Path directory;
    private Path recoveryFile;

    DurableScenario(String id, BenchOptions options, long oursJobs, long gearmandJobs, int recoveryJobs) {
        this.id = id;
        this.options = options;
        this.oursJobs = oursJobs;
        this.gearmandJobs = gearmandJobs;
        this.recoveryJobs = recoveryJobs;
        RoundTripShape rt = options.roundTrip();
        this.ours = new BackgroundScenario(id, oursJobs, 4, rt.workers(), rt.payloadBytes(), options.drainLimit(),
                false, true);
        this.gearmands = new BackgroundScenario(id, gearmandJobs, 4, rt.workers(), rt.payloadBytes(),
                options.drainLimit(), false, true);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String title() {
        return String.format(Locale.ROOT, "durable background jobs, each server with -q libsqlite3"
                + " --libsqlite3-db FILE: enqueue %,d (geard) / %,d (gearmand) jobs of %s with distinct unique ids"
                + " from 4 pipelined connections, drain them with %d workers (rows removed), then start-to-ready"
                + " on a file of %,d stored jobs", oursJobs, gearmandJobs, Sizes.describe(options.roundTrip()
                        .payloadBytes()), options.roundTrip().workers(), recoveryJobs);
    }

    /** How many stored jobs the recovery phase starts on. */
    int recoveryJobs() {
        return recoveryJobs;
    }

    @Override
    public int slices(int configured) {
        return 1;
    }

    @Override
    public List<Target> targets(List<Target> plain) {
        try {
            directory = Files.createTempDirectory("gear-bench-durable-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Target target : plain) {
            switch (target.name()) {
                case "geard" -> started.add(startGeard(directory.resolve("geard.db")));
                case "gearmand" -> started.add(startGearmand(directory.resolve("gearmand.db"),
                        Duration.ofSeconds(10)));
                default -> {
                    // the embedded server: the durable rows compare the two servers as processes
                }
            }
        }
        return started;
    }

    private GeardTarget startGeard(Path file) {
        return GeardTarget.start(options.geardJar(), options.geardJvmOptions(),
                List.of("-q", "libsqlite3", "--libsqlite3-db", file.toString()));
    }

    private GearmandTarget startGearmand(Path file, Duration timeout) {
        List<String> flags = new ArrayList<>(options.gearmandArgs());
        flags.addAll(List.of("-q", "libsqlite3", "--libsqlite3-db=" + file));
        return GearmandTarget.start(options.gearmand(), flags, timeout);
    }

    @Override
    public Session open(Target target) throws InterruptedException {
        boolean geard = target.name().equals("geard");
        Session background = (geard ? ours : gearmands).open(target);
        List<Row> recovery = new ArrayList<>();
        return new Session() {
            @Override
            public void warmUp(Duration duration) throws InterruptedException {
                if (geard) {
                    background.warmUp(duration); // a fresh JVM's JIT; gearmand has none to warm
                }
            }

            @Override
            public void measure(Duration duration) throws InterruptedException {
                background.measure(duration);
                recovery.add(recover(geard));
            }

            @Override
            public List<Row> rows() {
                List<Row> all = new ArrayList<>(background.rows());
                all.addAll(recovery);
                return all;
            }

            @Override
            public void close() throws InterruptedException {
                background.close();
            }
        };
    }

    /** Starts a server of the kind on a copy of the recovery file and times it until it is ready. */
    private Row recover(boolean geard) {
        Path copy = directory.resolve(geard ? "recovery-geard.db" : "recovery-gearmand.db");
        try {
            Files.copy(recoveryFile(), copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the recovery file", e);
        }
        long t0 = System.nanoTime();
        Target server = geard ? startGeard(copy) : startGearmand(copy, RECOVERY_START_TIMEOUT);
        long t1 = System.nanoTime();
        try {
            double seconds = (t1 - t0) / 1e9;
            long queued = queued(server, RECOVERY_FUNCTION);
            String logged = "";
            if (server instanceof GeardTarget g) {
                logged = g.output().stream().map(LOADED::matcher).filter(Matcher::find)
                        .map(m -> "; geard logged: " + m.group()).findFirst().orElse("");
            }
            String note = String.format(Locale.ROOT, "start-to-ready %.2f s on %,d stored jobs%s%s", seconds,
                    recoveryJobs, queued == recoveryJobs ? "" : String.format(Locale.ROOT, "; ONLY %,d queued", queued),
                    logged);
            return new Row(id + " recovery", recoveryJobs / seconds, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    queued == recoveryJobs ? 0 : 1, note);
        } finally {
            server.close();
            try {
                Files.deleteIfExists(copy);
                Files.deleteIfExists(copy.resolveSibling(copy.getFileName() + "-wal"));
                Files.deleteIfExists(copy.resolveSibling(copy.getFileName() + "-shm"));
            } catch (IOException ignored) {
                // the scenario's directory goes at close
            }
        }
    }

    /**
     * The file both servers recover from, in gearmand's layout, written once by our store: every
     * row with a unique key of its own (so gearmand keeps them all), priorities mixed.
     */
    private Path recoveryFile() {
        if (recoveryFile == null) {
            Path file = directory.resolve("recovery.db");
            StoredKeys keys = new StoredKeys();
            byte[] function = RECOVERY_FUNCTION.getBytes(StandardCharsets.US_ASCII);
            byte[] data = Sizes.payload(options.roundTrip().payloadBytes());
            try (SqliteQueueStore store = SqliteQueueStore.open(file, SqliteQueueStore.DEFAULT_TABLE)) {
                for (int from = 0; from < recoveryJobs; from += 50_000) {
                    List<StoredJob> chunk = new ArrayList<>();
                    for (int i = from; i < Math.min(recoveryJobs, from + 50_000); i++) {
                        chunk.add(keys.job(function, ("r-" + i).getBytes(StandardCharsets.US_ASCII), i % 3, data, 0));
                    }
                    store.add(chunk);
                }
            }
            recoveryFile = file;
        }
        return recoveryFile;
    }

    /** The queued count {@code status} reports for {@code function}, or -1 when it is not listed. */
    private static long queued(Target server, String function) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(server.host(), server.port()), 5000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write("status\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            long queued = -1;
            for (String line = in.readLine(); line != null && !line.equals("."); line = in.readLine()) {
                String[] fields = line.split("\t");
                if (fields.length >= 2 && fields[0].equals(function)) {
                    queued = Long.parseLong(fields[1]);
                }
            }
            return queued;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        started.forEach(Target::close);
        started.clear();
        if (directory != null) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory left behind is harmless
            }
        }
    }
}
