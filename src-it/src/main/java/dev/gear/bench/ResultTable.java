package dev.gear.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the results as a Markdown table (so a run's output can be pasted into
 * {@code docs/performance.md}): one line per scenario phase and server; on our servers' lines the
 * ratios ours/gearmand of jobs/s (higher is better), p50 (lower is better) and CPU per job (lower
 * is better).
 */
final class ResultTable {
    static final String GEARMAND = "gearmand";

    private ResultTable() {
    }

    static void print(PrintStream out, Map<Scenario, Map<String, List<Row>>> results, List<String> servers) {
        for (Scenario scenario : results.keySet()) {
            out.println("* `" + scenario.id() + "`: " + scenario.title());
        }
        out.println();
        out.println("| scenario | server | jobs/s | p50 ms | p99 ms | max ms | server CPU µs/job | driver CPU µs/job"
                + " | errors | jobs/s ratio | p50 ratio | CPU/job ratio | note |");
        out.println("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|");
        for (Map<String, List<Row>> byServer : results.values()) {
            int phases = byServer.values().stream().mapToInt(List::size).max().orElse(0);
            for (int phase = 0; phase < phases; phase++) {
                Row reference = row(byServer.get(GEARMAND), phase);
                for (String server : servers) {
                    Row row = row(byServer.get(server), phase);
                    if (row == null) {
                        continue;
                    }
                    List<String> cells = new ArrayList<>(List.of(row.label(), server, format(row.perSecond()),
                            format(row.p50Millis()), format(row.p99Millis()), format(row.maxMillis()),
                            format(row.cpuMicros()), format(row.driverCpuMicros()), Long.toString(row.errors())));
                    boolean ratios = reference != null && !server.equals(GEARMAND);
                    cells.add(ratios ? ratio(row.perSecond(), reference.perSecond()) : "");
                    cells.add(ratios ? ratio(row.p50Millis(), reference.p50Millis()) : "");
                    cells.add(ratios ? ratio(row.cpuMicros(), reference.cpuMicros()) : "");
                    cells.add(row.note());
                    out.println("| " + String.join(" | ", cells) + " |");
                }
            }
        }
    }

    private static Row row(List<Row> rows, int phase) {
        return rows == null || phase >= rows.size() ? null : rows.get(phase);
    }

    static String ratio(double ours, double theirs) {
        return Double.isNaN(ours) || Double.isNaN(theirs) || theirs == 0 ? ""
                : String.format(Locale.ROOT, "%.2f", ours / theirs);
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (Math.abs(v) >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
