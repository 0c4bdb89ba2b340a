package dev.gear.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Command-line options of {@link Benchmark}. Durations are {@code 500ms}, {@code 5s}, {@code 2m}
 * or plain seconds.
 */
record BenchOptions(Duration serverWarmup, Duration warmup, Duration duration, int slices, RoundTripShape roundTrip, int loops,
        boolean distinctUniques, int connections, Duration drainLimit, String driver, boolean quick, Path gearmand,
        List<String> gearmandArgs, Path geardJar, List<String> geardJvmOptions, List<String> servers,
        List<String> scenarios, List<String> libraryWorkers, int repeat) {

    static final List<String> ALL_SCENARIOS = List.of("rt", "floor", "rt4k", "rt1m", "fanin", "faninjob", "tls", "bg200k", "bg1m",
            "durable", "start");
    /**
     * Without --scenarios: all but {@code durable}, which takes minutes (gearmand's SQLite queue
     * commits one job at a time, and the recovery phase writes a file of 1 000 000 rows).
     */
    static final List<String> DEFAULT_SCENARIOS = ALL_SCENARIOS.stream().filter(s -> !s.equals("durable")).toList();
    /** --quick: the same scenarios with fewer jobs and shorter phases (about a minute). */
    static final List<String> QUICK_SCENARIOS = List.of("rt", "floor", "rt4k", "bg200k", "start");
    /** Table order: our server as a process, gearmand, our server embedded in the benchmark's JVM. */
    static final List<String> ALL_SERVERS = List.of("geard", "gearmand", "embedded");
    static final List<String> DRIVERS = List.of("raw", "library", "both");
    /** How the library driver's workers take jobs; see {@link LibraryRoundTripScenario.WorkerStyle}. */
    static final List<String> LIBRARY_WORKERS = List.of("shared", "io", "pool", "getjob");

    static final String USAGE = String.join("\n",
            "usage: java -cp ... dev.gear.bench.Benchmark [options]",
            "  --scenarios=LIST    any of " + String.join(",", ALL_SCENARIOS),
            "                      (default all but durable; --quick: " + String.join(",", QUICK_SCENARIOS) + ")",
            "                      durable: geard and gearmand each with -q libsqlite3: durable enqueue with unique",
            "                      ids, drain, start-to-ready on 1,000,000 stored jobs (minutes; --quick: smaller)",
            "  --servers=LIST      any of " + String.join(",", ALL_SERVERS) + " (default geard,gearmand):",
            "                      geard = our server as a separate JVM (java -jar geard.jar),",
            "                      embedded = our Server inside the benchmark's JVM",
            "  --driver=D          raw (our own minimal protocol generator), library (our Client/Worker)",
            "                      or both (default: both for rt and floor, raw for the rest)",
            "  --lib-workers=LIST  the library driver's set-ups, one row each: shared (all clients and workers on",
            "                      one SharedIoThread, JobHandlers run on it; row x/lib), io (own I/O threads,",
            "                      JobHandlers on the worker's; x/lib-io), pool (JobHandlers on the worker's",
            "                      handler thread; x/lib-pool), getjob (a thread in getJob; x/lib-getjob);",
            "                      default shared,getjob",
            "  --quick             about a minute: short phases, bg 200k only, no 1 MiB/fan-in/TLS",
            "  --server-warmup=DUR before the first scenario, the rt load on each server, unmeasured, so a fresh",
            "                      geard JVM has compiled its hot path (default 10s; --quick 5s)",
            "  --warmup=DUR        warm-up per scenario and server (default 3s)",
            "  --duration=DUR      measured time per scenario and server (default 6s)",
            "  --repeat=N          run every scenario N times (default 1) and print the median and min-max of",
            "                      each ratio, so a run's spread shows",
            "  --slices=N          the measured time is split into N slices alternating between servers (default 3)",
            "  --clients=N --in-flight=K --workers=W --payload=BYTES",
            "                      the round trip 'rt' (default 4 x 16, 4 workers, 64 B)",
            "  --loops=N           selector threads of the raw generator (default 1)",
            "  --unique=empty|distinct  unique ids of submitted jobs (default empty)",
            "  --connections=N     fan-in connections per round (default 5000)",
            "  --drain-limit=DUR   longest a background drain is timed; later it is reported as partial (default 30s)",
            "  --gearmand=PATH     gearmand binary (default /usr/sbin/gearmand)",
            "  --gearmand-args=A   gearmand's tuning flags, space-separated (default '-t 1 -b 1024')",
            "  --geard-jar=PATH    our server's runnable jar (default gear-protocol/target/geard.jar)",
            "  --geard-jvm=OPTS    JVM options for geard, space-separated (default none: the JVM's defaults)",
            "DUR is 500ms, 5s, 2m or plain seconds. Exit status 1 when any job failed or timed out.");

    static BenchOptions parse(String... args) {
        boolean quick = List.of(args).contains("--quick");
        Duration serverWarmup = quick ? Duration.ofSeconds(5) : Duration.ofSeconds(10);
        Duration warmup = quick ? Duration.ofSeconds(2) : Duration.ofSeconds(3);
        Duration duration = quick ? Duration.ofSeconds(2) : Duration.ofSeconds(6);
        int slices = 3;
        int clients = 4;
        int inFlight = 16;
        int workers = 4;
        int payload = 64;
        int loops = 1;
        boolean distinct = false;
        int connections = 5000;
        Duration drainLimit = quick ? Duration.ofSeconds(10) : Duration.ofSeconds(30);
        String driver = "both";
        Path gearmand = Path.of("/usr/sbin/gearmand");
        List<String> gearmandArgs = List.of("-t", "1", "-b", "1024");
        Path geardJar = Path.of("gear-protocol", "target", "geard.jar");
        List<String> geardJvm = List.of();
        List<String> servers = List.of("geard", "gearmand");
        List<String> scenarios = quick ? QUICK_SCENARIOS : DEFAULT_SCENARIOS;
        List<String> libraryWorkers = List.of("shared", "getjob");
        int repeat = 1;
        for (String arg : args) {
            if (arg.equals("--quick")) {
                continue;
            }
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
            }
            String name = arg.substring(2, eq);
            String value = arg.substring(eq + 1);
            switch (name) {
                case "server-warmup" -> serverWarmup = duration(name, value);
                case "warmup" -> warmup = duration(name, value);
                case "duration" -> duration = duration(name, value);
                case "slices" -> slices = positive(name, value);
                case "clients" -> clients = positive(name, value);
                case "in-flight" -> inFlight = positive(name, value);
                case "workers" -> workers = positive(name, value);
                case "payload" -> payload = positive(name, value);
                case "loops" -> loops = positive(name, value);
                case "unique" -> distinct = switch (value) {
                    case "empty" -> false;
                    case "distinct" -> true;
                    default -> throw new IllegalArgumentException("--unique: empty or distinct, not '" + value + "'");
                };
                case "connections" -> connections = positive(name, value);
                case "drain-limit" -> drainLimit = duration(name, value);
                case "driver" -> driver = list(name, value, DRIVERS).get(0);
                case "gearmand" -> gearmand = Path.of(value);
                case "gearmand-args" -> gearmandArgs = words(value);
                case "geard-jar" -> geardJar = Path.of(value);
                case "geard-jvm" -> geardJvm = words(value);
                case "servers" -> servers = list(name, value, ALL_SERVERS);
                case "scenarios" -> scenarios = list(name, value, ALL_SCENARIOS);
                case "lib-workers" -> libraryWorkers = list(name, value, LIBRARY_WORKERS);
                case "repeat" -> repeat = positive(name, value);
                default -> throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        if (duration.isZero()) {
            throw new IllegalArgumentException("--duration must be more than 0");
        }
        // Whatever order they were given in, the table shows them in ALL_SERVERS order.
        List<String> selected = ALL_SERVERS.stream().filter(servers::contains).toList();
        List<String> ordered = ALL_SCENARIOS.stream().filter(scenarios::contains).toList();
        return new BenchOptions(serverWarmup, warmup, duration, slices, new RoundTripShape(clients, inFlight, workers, payload),
                loops, distinct, connections, drainLimit, driver, quick, gearmand, gearmandArgs, geardJar, geardJvm,
                selected, ordered, LIBRARY_WORKERS.stream().filter(libraryWorkers::contains).toList(), repeat);
    }

    boolean raw() {
        return !driver.equals("library");
    }

    boolean library() {
        return !driver.equals("raw");
    }

    private static List<String> words(String value) {
        return value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
    }

    private static Duration duration(String name, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            }
            if (v.endsWith("m")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a duration: '" + value + "' (e.g. 500ms, 5s, 2m)");
        }
    }

    private static int positive(String name, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--" + name + ": expected a positive integer, got '" + value + "'");
    }

    private static List<String> list(String name, String value, List<String> allowed) {
        List<String> out = new ArrayList<>();
        for (String item : value.split(",")) {
            String s = item.trim();
            if (!allowed.contains(s)) {
                throw new IllegalArgumentException("--" + name + ": unknown '" + s + "', expected some of " + allowed);
            }
            out.add(s);
        }
        return out;
    }
}
