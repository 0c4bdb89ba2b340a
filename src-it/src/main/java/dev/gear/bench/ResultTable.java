package dev.gear.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the results side by side: one row per metric, one column per server, and the ratio
 * ours/gearmand (above 1 is better for rates, below 1 is better for times: the last column says which).
 */
final class ResultTable {
    private static final String ROW = "  %-16s %14s %14s %14s   %s%n";

    private ResultTable() {
    }

    static void print(PrintStream out, List<Scenario> scenarios, List<String> servers,
            Map<String, Map<String, ScenarioResult>> results) {
        String ours = servers.contains("gear-java") ? "gear-java" : null;
        String theirs = servers.contains("gearmand") ? "gearmand" : null;
        out.printf(Locale.ROOT, ROW, "metric", "gear-java", "gearmand", "ours/gearmand", "better if");
        for (Scenario scenario : scenarios) {
            Map<String, ScenarioResult> byServer = results.get(scenario.id());
            out.println(scenario.id() + ": " + scenario.title());
            ScenarioResult any = byServer.values().iterator().next();
            for (int m = 0; m < any.metrics().size(); m++) {
                Metric metric = any.metrics().get(m);
                double a = value(byServer.get(ours), m);
                double b = value(byServer.get(theirs), m);
                out.printf(Locale.ROOT, ROW, metric.name(), format(a), format(b),
                        Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", a / b),
                        metric.higherIsBetter() ? "higher" : "lower");
            }
            long errorsOurs = byServer.containsKey(ours) ? byServer.get(ours).errors() : 0;
            long errorsTheirs = byServer.containsKey(theirs) ? byServer.get(theirs).errors() : 0;
            if (errorsOurs + errorsTheirs > 0) {
                out.printf(Locale.ROOT, ROW, "ERRORS", errorsOurs, errorsTheirs, "", "0");
            }
        }
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
