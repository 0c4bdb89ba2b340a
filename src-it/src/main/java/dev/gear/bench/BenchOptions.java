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
record BenchOptions(Duration warmup, Duration duration, int payloadBytes, int largePayloadBytes, int connections,
        int rounds, int slices, Path gearmand, Path geardJar, List<String> geardJvmOptions, List<String> servers,
        List<String> scenarios) {

    static final List<String> ALL_SCENARIOS = List.of("fg1", "fg4", "fg64k", "bg", "fanin", "fanin-raw");
    /** Table order: our server as a process, gearmand, our server embedded in the benchmark's JVM. */
    static final List<String> ALL_SERVERS = List.of("geard", "gearmand", "embedded");

    static final String USAGE = String.join("\n",
            "usage: java -cp ... dev.gear.bench.Benchmark [options]",
            "  --warmup=DUR        warm-up per scenario and server (default 2s)",
            "  --duration=DUR      measured time per scenario and server (default 5s)",
            "  --payload=BYTES     payload of the small-job scenarios (default 32)",
            "  --large=BYTES       payload of the large-job scenario (default 65536)",
            "  --slices=N          the measured time is split into N slices alternating between the servers (default 5)",
            "  --connections=N     fan-in connections per round (default 200)",
            "  --rounds=N          measured fan-in rounds (default 5, after warm-up rounds for the warm-up time)",
            "  --gearmand=PATH     gearmand binary (default /usr/sbin/gearmand)",
            "  --geard-jar=PATH    our server's runnable jar (default gear-protocol/target/geard.jar)",
            "  --geard-jvm=OPTS    JVM options for geard, space-separated (default none: the JVM's defaults)",
            "  --servers=LIST      any of " + String.join(",", ALL_SERVERS) + " (default all three):",
            "                      geard = our server as a separate JVM (java -jar geard.jar),",
            "                      embedded = our Server inside the benchmark's JVM",
            "  --scenarios=LIST    any of " + String.join(",", ALL_SCENARIOS) + " (default all)",
            "DUR is 500ms, 5s, 2m or plain seconds. Defaults keep the run around 2 minutes; use --warmup=10s or more when geard runs (a fresh JVM).");

    static BenchOptions parse(String... args) {
        Duration warmup = Duration.ofSeconds(2);
        Duration duration = Duration.ofSeconds(5);
        int payload = 32;
        int large = 64 * 1024;
        int connections = 200;
        int rounds = 5;
        int slices = 5;
        Path gearmand = Path.of("/usr/sbin/gearmand");
        Path geardJar = Path.of("gear-protocol", "target", "geard.jar");
        List<String> geardJvm = List.of();
        List<String> servers = ALL_SERVERS;
        List<String> scenarios = ALL_SCENARIOS;
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
            }
            String name = arg.substring(2, eq);
            String value = arg.substring(eq + 1);
            switch (name) {
                case "warmup" -> warmup = duration(name, value);
                case "duration" -> duration = duration(name, value);
                case "payload" -> payload = positive(name, value);
                case "large" -> large = positive(name, value);
                case "connections" -> connections = positive(name, value);
                case "rounds" -> rounds = positive(name, value);
                case "slices" -> slices = positive(name, value);
                case "gearmand" -> gearmand = Path.of(value);
                case "geard-jar" -> geardJar = Path.of(value);
                case "geard-jvm" -> geardJvm = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
                case "servers" -> servers = list(name, value, ALL_SERVERS);
                case "scenarios" -> scenarios = list(name, value, ALL_SCENARIOS);
                default -> throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        if (duration.isZero()) {
            throw new IllegalArgumentException("--duration must be more than 0");
        }
        // Whatever order they were given in, the table shows them in ALL_SERVERS order.
        List<String> selected = ALL_SERVERS.stream().filter(servers::contains).toList();
        return new BenchOptions(warmup, duration, payload, large, connections, rounds, slices, gearmand, geardJar,
                geardJvm, selected, scenarios);
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
