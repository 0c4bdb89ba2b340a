package dev.gear.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * With {@code --repeat N}: per scenario phase and server, the median and min–max over the repeats
 * of each ratio ours/gearmand (jobs/s, p50, p99, max), so how much a run varies is printed next to
 * what it measured.
 */
final class RepeatSummary {
    private RepeatSummary() {
    }

    static void print(PrintStream out, List<Map<Scenario, Map<String, List<Row>>>> repeats, List<String> servers) {
        // label -> server -> ratios per repeat [jobs/s, p50, p99, max]
        Map<String, Map<String, List<double[]>>> ratios = new LinkedHashMap<>();
        for (Map<Scenario, Map<String, List<Row>>> run : repeats) {
            for (Map<String, List<Row>> byServer : run.values()) {
                List<Row> reference = byServer.get(ResultTable.GEARMAND);
                if (reference == null) {
                    continue;
                }
                for (String server : servers) {
                    List<Row> rows = byServer.get(server);
                    if (rows == null || server.equals(ResultTable.GEARMAND)) {
                        continue;
                    }
                    for (int phase = 0; phase < Math.min(rows.size(), reference.size()); phase++) {
                        Row ours = rows.get(phase);
                        Row theirs = reference.get(phase);
                        ratios.computeIfAbsent(ours.label(), k -> new LinkedHashMap<>())
                                .computeIfAbsent(server, k -> new ArrayList<>())
                                .add(new double[] {ours.perSecond() / theirs.perSecond(),
                                        ours.p50Millis() / theirs.p50Millis(), ours.p99Millis() / theirs.p99Millis(),
                                        ours.maxMillis() / theirs.maxMillis()});
                    }
                }
            }
        }
        out.println("Over " + repeats.size() + " repeats, ours/gearmand: median [min–max]");
        out.println();
        out.println("| scenario | server | jobs/s ratio | p50 ratio | p99 ratio | max ratio |");
        out.println("|---|---|--:|--:|--:|--:|");
        ratios.forEach((label, byServer) -> byServer.forEach((server, list) -> out.println("| " + label + " | "
                + server + " | " + spread(list, 0) + " | " + spread(list, 1) + " | " + spread(list, 2) + " | "
                + spread(list, 3) + " |")));
    }

    /** {@code median [min–max]} of component {@code i}; blank where a ratio does not apply. */
    static String spread(List<double[]> values, int i) {
        double[] v = values.stream().mapToDouble(a -> a[i]).filter(d -> !Double.isNaN(d) && !Double.isInfinite(d))
                .sorted().toArray();
        if (v.length == 0) {
            return "";
        }
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return String.format(Locale.ROOT, "%.2f [%.2f–%.2f]", median, v[0], v[v.length - 1]);
    }
}
