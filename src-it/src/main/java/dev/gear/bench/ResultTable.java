package dev.gear.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the results side by side: one row per metric, one column per server, then for each of our
 * servers the ratio ours/gearmand (above 1 is better for rates, below 1 is better for times: the
 * last column says which).
 */
final class ResultTable {
    private static final String GEARMAND = "gearmand";

    private ResultTable() {
    }

    static void print(PrintStream out, List<Scenario> scenarios, List<String> servers,
            Map<String, Map<String, ScenarioResult>> results) {
        List<String> ours = servers.stream().filter(s -> !s.equals(GEARMAND)).toList();
        boolean ratios = servers.contains(GEARMAND);
        List<String> header = new ArrayList<>(servers);
        if (ratios) {
            ours.forEach(s -> header.add(s + "/" + GEARMAND));
        }
        header.add("better if");
        int[] widths = header.stream().mapToInt(h -> Math.max(10, h.length())).toArray();
        row(out, widths, "metric", header);
        for (Scenario scenario : scenarios) {
            Map<String, ScenarioResult> byServer = results.get(scenario.id());
            out.println(scenario.id() + ": " + scenario.title());
            ScenarioResult any = byServer.values().iterator().next();
            for (int m = 0; m < any.metrics().size(); m++) {
                Metric metric = any.metrics().get(m);
                List<String> cells = new ArrayList<>();
                for (String server : servers) {
                    cells.add(format(value(byServer.get(server), m)));
                }
                if (ratios) {
                    double b = value(byServer.get(GEARMAND), m);
                    for (String server : ours) {
                        double a = value(byServer.get(server), m);
                        cells.add(Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "n/a"
                                : String.format(Locale.ROOT, "%.2f", a / b));
                    }
                }
                cells.add(!metric.ranked() ? "(context)" : metric.higherIsBetter() ? "higher" : "lower");
                row(out, widths, metric.name(), cells);
            }
            if (byServer.values().stream().anyMatch(r -> r.errors() > 0)) {
                List<String> cells = new ArrayList<>();
                for (String server : servers) {
                    cells.add(byServer.containsKey(server) ? Long.toString(byServer.get(server).errors()) : "-");
                }
                row(out, widths, "ERRORS", cells);
            }
        }
    }

    /** Metric name left-aligned, then right-aligned cells; the last column ("better if") left-aligned. */
    private static void row(PrintStream out, int[] widths, String name, List<String> cells) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-16s", name));
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            line.append(i == widths.length - 1 ? "   " + cell
                    : String.format(Locale.ROOT, " %" + widths[i] + "s", cell));
        }
        out.println(line.toString().stripTrailing());
    }

    private static double value(ScenarioResult result, int index) {
        return result == null ? Double.NaN : result.metrics().get(index).value();
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "-";
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
