package dev.gear.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Our server against gearmand, side by side on loopback, driven by the same load: foreground round
 * trips (4 x 16 in flight, the 1 x 1 latency floor, 4 KiB and 1 MiB payloads), background enqueue
 * and drain of 200 000 and 1 000 000 jobs (with the servers' memory at full depth), a 5 000
 * connection fan-in, TLS round trips, and the test kit's start-to-ready time.
 *
 * <p>The load comes from a raw generator (package {@code raw}: its own minimal encoder and decoder,
 * one selector thread, pipelined), so it measures the server; the round trips also run through our
 * {@code Client}/{@code Worker} ({@code --driver}), which measures the library. Each scenario is set
 * up on every server, warmed up on each, then measured in slices that alternate between the
 * servers, so load that drifts on a shared machine lands on all alike. The output is a Markdown
 * table (one line per scenario and server, ratios ours/gearmand) and the targets, met or
 * not. See {@code docs/performance.md}.
 */
public final class Benchmark {
    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println(BenchOptions.USAGE);
                return;
            }
        }
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"); // connects and closes are not news here
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        System.exit(run(options, String.join(" ", args)));
    }

    /** Runs every selected scenario on every selected server and prints the table; returns the exit status. */
    static int run(BenchOptions options, String arguments) throws InterruptedException {
        List<Scenario> scenarios = Scenarios.of(options);
        List<Target> targets = new ArrayList<>();
        long started = System.nanoTime();
        String loadAtStart = loadAverage();
        try {
            for (String server : options.servers()) {
                targets.add(switch (server) {
                    case "geard" -> GeardTarget.start(options.geardJar(), options.geardJvmOptions());
                    case "gearmand" -> GearmandTarget.start(options.gearmand(), options.gearmandArgs());
                    case "embedded" -> EmbeddedServerTarget.start();
                    default -> throw new IllegalArgumentException("unknown server " + server);
                });
            }
            System.out.println("## gear-java vs gearmand, " + Instant.now());
            System.out.println();
            System.out.println("* arguments: `" + (arguments.isEmpty() ? "(defaults)" : arguments) + "`");
            System.out.println("* java " + System.getProperty("java.vm.name") + " " + Runtime.version() + ", "
                    + Runtime.getRuntime().availableProcessors() + " CPUs, load average at start: " + loadAtStart);
            for (Target target : targets) {
                System.out.println("* " + target.name() + ": " + target.description());
            }
            System.out.println("* every server first ran the `rt` load unmeasured for " + options.serverWarmup().toMillis()
                    + " ms; then per scenario and server: warm-up " + options.warmup().toMillis() + " ms, "
                    + options.duration().toMillis() + " ms measured in " + options.slices() + " alternating slices");
            System.out.println();
            warmUpServers(targets, options);

            List<Map<Scenario, Map<String, List<Row>>>> repeats = new ArrayList<>();
            Map<Scenario, Map<String, List<Row>>> results = new LinkedHashMap<>();
            long errors = 0;
            List<String> names = targets.stream().map(Target::name).toList();
            for (int repeat = 1; repeat <= options.repeat(); repeat++) {
                results = new LinkedHashMap<>();
                for (Scenario scenario : scenarios) {
                    Map<String, List<Row>> byServer = runOnAll(scenario, targets, options);
                    for (List<Row> rows : byServer.values()) {
                        errors += rows.stream().mapToLong(Row::errors).sum();
                    }
                    results.put(scenario, byServer);
                }
                repeats.add(results);
                if (options.repeat() > 1 && repeat < options.repeat()) {
                    System.out.println("### repeat " + repeat + " of " + options.repeat());
                    System.out.println();
                    ResultTable.print(System.out, results, names);
                    System.out.println();
                }
            }
            if (options.repeat() > 1) {
                System.out.println("### repeat " + options.repeat() + " of " + options.repeat());
                System.out.println();
            }
            StartToReady.Result start = null;
            if (options.scenarios().contains("start")) {
                start = StartToReady.measure(options.quick() ? 20 : 50, options.quick() ? 50 : 200);
            }
            ResultTable.print(System.out, results, names);
            System.out.println();
            if (options.repeat() > 1) {
                RepeatSummary.print(System.out, repeats, names);
                System.out.println();
            }
            if (start != null) {
                System.out.printf(Locale.ROOT, "start: embedded test server start-to-ready (ECHO answered), plain: "
                        + "median %.2f ms, p90 %.2f ms over %d starts (the JVM's first: %.1f ms)%n",
                        start.medianMillis(), start.p90Millis(), start.iterations(), start.firstMillis());
                System.out.println();
            }
            Targets.print(System.out, results, start);
            System.out.println();
            System.out.printf(Locale.ROOT, "load average at end: %s; whole run %.0f s; errors: %d%n", loadAverage(),
                    Duration.ofNanos(System.nanoTime() - started).toMillis() / 1e3, errors);
            return errors == 0 ? 0 : 1;
        } finally {
            for (Target target : targets) {
                target.close();
            }
        }
    }

    /**
     * A fresh geard JVM interprets its hot path until the JIT has compiled it, which takes seconds
     * on a busy 2-core machine: without this the first scenario would measure the compiler. Run on
     * every server alike, so none starts colder than the other.
     */
    private static void warmUpServers(List<Target> targets, BenchOptions options) throws InterruptedException {
        if (options.serverWarmup().isZero()) {
            return;
        }
        Scenario load = new RawRoundTripScenario("server-warm-up", options.roundTrip(), options.loops(), false, null);
        for (Target target : targets) {
            try (Scenario.Session session = load.open(target)) {
                session.warmUp(options.serverWarmup());
            }
        }
    }

    /**
     * Opens the scenario on every server, warms each up, then measures in slices whose order
     * alternates (forwards, then backwards, ...), so drifting machine load hits all alike.
     */
    private static Map<String, List<Row>> runOnAll(Scenario scenario, List<Target> targets, BenchOptions options)
            throws InterruptedException {
        long t0 = System.nanoTime();
        int slices = scenario.slices(options.slices());
        Duration slice = options.duration().dividedBy(slices);
        List<Target> serving = scenario instanceof OwnServersScenario own ? own.targets(targets) : targets;
        List<Scenario.Session> sessions = new ArrayList<>();
        Map<String, List<Row>> byServer = new LinkedHashMap<>();
        try {
            for (Target target : serving) {
                sessions.add(scenario.open(target));
            }
            for (Scenario.Session session : sessions) {
                session.warmUp(scenario.warmUpTime(options.warmup()));
            }
            for (int k = 0; k < slices; k++) {
                for (int j = 0; j < sessions.size(); j++) {
                    int index = k % 2 == 0 ? j : sessions.size() - 1 - j;
                    System.gc(); // the previous slice's garbage in this JVM is not this slice's cost
                    sessions.get(index).measure(slice);
                }
            }
            for (int j = 0; j < sessions.size(); j++) {
                byServer.put(serving.get(j).name(), sessions.get(j).rows());
            }
        } finally {
            for (Scenario.Session session : sessions) {
                session.close();
            }
            if (scenario instanceof OwnServersScenario own) {
                own.close();
            }
        }
        long errors = byServer.values().stream().flatMap(List::stream).mapToLong(Row::errors).sum();
        System.err.printf(Locale.ROOT, "[%s: %.1f s%s]%n", scenario.id(), (System.nanoTime() - t0) / 1e9,
                errors == 0 ? "" : ", " + errors + " ERRORS");
        return byServer;
    }

    /** The 1, 5 and 15 minute load averages (Linux), so a reader can judge how busy the machine was. */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
