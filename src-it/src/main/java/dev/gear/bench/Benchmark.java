package dev.gear.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Our server against gearmand, side by side on loopback, all driven by our {@code Client} and
 * {@code Worker}: foreground round trips (1/1, 4/4, large payloads), background submits and a
 * connection fan-in. Each scenario is set up on every server at once, warmed up on each, then
 * measured in slices that alternate between the servers (so drifting machine load hits all alike),
 * and a table prints every server's numbers and the ratios ours/gearmand. Run {@code --help} for
 * the options; see {@code src-it/README.md} for how to run it and a recorded result.
 *
 * <p>Our server runs twice: as {@code geard}, a separate JVM like gearmand is a separate process
 * (the fair, process-against-process comparison), and embedded in this JVM, where it shares the
 * JIT, the GC and the CPUs with the benchmark's clients and workers (the embedded use).
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
        System.exit(run(options));
    }

    /** Runs every selected scenario on every selected server and prints the table; returns the exit status. */
    static int run(BenchOptions options) throws InterruptedException {
        List<Scenario> scenarios = scenarios(options);
        List<Target> targets = new ArrayList<>();
        long started = System.nanoTime();
        try {
            for (String server : options.servers()) {
                targets.add(switch (server) {
                    case "geard" -> GeardTarget.start(options.geardJar(), options.geardJvmOptions());
                    case "gearmand" -> GearmandTarget.start(options.gearmand());
                    case "embedded" -> EmbeddedServerTarget.start();
                    default -> throw new IllegalArgumentException("unknown server " + server);
                });
            }
            System.out.println("gear-java vs gearmand, " + Instant.now());
            System.out.println("java " + System.getProperty("java.vm.name") + " " + Runtime.version() + ", "
                    + Runtime.getRuntime().availableProcessors() + " CPUs, load at start: " + loadAverage());
            for (Target target : targets) {
                System.out.println(target.name() + ": " + target.description());
            }
            System.out.println("warm-up " + options.warmup().toMillis() + " ms, then " + options.duration().toMillis()
                    + " ms measured in " + options.slices() + " alternating slices, per scenario and server;"
                    + " fan-in: rounds for the warm-up time, then " + options.rounds() + " measured rounds."
                    + " Our Client and Worker drive every server;"
                    + " every client thread and worker has its own connection and I/O thread.");
            System.out.println();

            Map<String, Map<String, ScenarioResult>> results = new LinkedHashMap<>();
            long errors = 0;
            for (Scenario scenario : scenarios) {
                Map<String, ScenarioResult> byServer = runOnAll(scenario, targets, options);
                for (ScenarioResult result : byServer.values()) {
                    errors += result.errors();
                }
                results.put(scenario.id(), byServer);
            }
            System.out.println();
            ResultTable.print(System.out, scenarios, targets.stream().map(Target::name).toList(), results);
            System.out.println();
            System.out.printf("load at end: %s; whole run %.0f s%n", loadAverage(),
                    Duration.ofNanos(System.nanoTime() - started).toMillis() / 1e3);
            return errors == 0 ? 0 : 1;
        } finally {
            for (Target target : targets) {
                target.close();
            }
        }
    }

    /**
     * Opens the scenario on every server, warms each up, then measures in slices whose order
     * alternates (forwards, then backwards, ...), so drifting machine load hits all alike.
     */
    private static Map<String, ScenarioResult> runOnAll(Scenario scenario, List<Target> targets, BenchOptions options)
            throws InterruptedException {
        long t0 = System.nanoTime();
        int slices = scenario instanceof FanInScenario ? ((FanInScenario) scenario).rounds() : options.slices();
        Duration slice = options.duration().dividedBy(slices);
        List<Scenario.Session> sessions = new ArrayList<>();
        Map<String, ScenarioResult> byServer = new LinkedHashMap<>();
        try {
            for (Target target : targets) {
                sessions.add(scenario.open(target));
            }
            for (Scenario.Session session : sessions) {
                session.warmUp(options.warmup());
            }
            long[] cpuNanos = new long[sessions.size()];
            long[] wallNanos = new long[sessions.size()];
            for (int k = 0; k < slices; k++) {
                for (int j = 0; j < sessions.size(); j++) {
                    int index = k % 2 == 0 ? j : sessions.size() - 1 - j;
                    System.gc(); // the previous slice's garbage is not this slice's cost
                    Target target = targets.get(index);
                    long cpu0 = target.cpuNanos();
                    long wall0 = System.nanoTime();
                    sessions.get(index).measure(slice);
                    wallNanos[index] += System.nanoTime() - wall0;
                    long cpu1 = target.cpuNanos();
                    cpuNanos[index] = cpu0 < 0 || cpu1 < 0 || cpuNanos[index] < 0 ? -1 : cpuNanos[index] + cpu1 - cpu0;
                }
            }
            for (int j = 0; j < sessions.size(); j++) {
                ScenarioResult result = sessions.get(j).result();
                List<Metric> metrics = new ArrayList<>(result.metrics());
                // How busy the server itself was while measured: the share of one core it used.
                metrics.add(Metric.info("server CPU %",
                        cpuNanos[j] < 0 ? Double.NaN : 100.0 * cpuNanos[j] / wallNanos[j]));
                byServer.put(targets.get(j).name(), new ScenarioResult(List.copyOf(metrics), result.errors()));
            }
        } finally {
            for (Scenario.Session session : sessions) {
                session.close();
            }
        }
        long errors = byServer.values().stream().mapToLong(ScenarioResult::errors).sum();
        System.err.printf("[%s: %.1f s%s]%n", scenario.id(), (System.nanoTime() - t0) / 1e9,
                errors == 0 ? "" : ", " + errors + " ERRORS");
        return byServer;
    }

    private static List<Scenario> scenarios(BenchOptions options) {
        List<Scenario> all = List.of(
                new ForegroundScenario("fg1", 1, 1, options.payloadBytes()),
                new ForegroundScenario("fg4", 4, 4, options.payloadBytes()),
                new ForegroundScenario("fg64k", 2, 2, options.largePayloadBytes()),
                new BackgroundScenario(2, 2, options.payloadBytes()),
                new FanInScenario(options.connections(), options.rounds(), false),
                new FanInScenario(options.connections(), options.rounds(), true));
        return all.stream().filter(s -> options.scenarios().contains(s.id())).toList();
    }

    /** The 1, 5 and 15 minute load averages (Linux), so a reader can judge how busy the machine was. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
