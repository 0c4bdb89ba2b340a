package dev.gear.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The targets issue 8 sets, checked against one run's numbers: each printed as met or not met,
 * with the measured figure, so the run's output says it without a reader doing the arithmetic.
 * Our server is {@code geard} (process against process); a target whose scenario did not run is
 * skipped.
 */
final class Targets {
    private static final String OURS = "geard";

    private Targets() {
    }

    static void print(PrintStream out, Map<Scenario, Map<String, List<Row>>> results, StartToReady.Result start) {
        out.println("| target (issue 8) | measured | met? |");
        out.println("|---|---|---|");
        ratio(out, results, "rt", 0, "round trip 4x16, 4 workers, 64 B: jobs/s ours/gearmand >= 1.0 (aim 1.3)",
                Row::perSecond, 1.0, true);
        ratio(out, results, "floor", 0, "latency floor p50: ours/gearmand <= 1.0", Row::p50Millis, 1.0, false);
        ratio(out, results, "bg1m", 2, "background drain of 1,000,000 jobs: ours/gearmand >= 3", Row::perSecond, 3.0,
                true);
        ratio(out, results, "bg1m", 0, "background enqueue of 1,000,000 jobs: ours/gearmand >= 1.0", Row::perSecond,
                1.0, true);
        ratio(out, results, "durable", 0, "durable background enqueue (-q libsqlite3, unique ids): ours/gearmand >= 50"
                + " (issue 16)", Row::perSecond, 50.0, true);
        Row recovery = find(results, "durable", OURS, 2);
        if (recovery != null) {
            int jobs = results.keySet().stream().filter(s -> s instanceof DurableScenario)
                    .mapToInt(s -> ((DurableScenario) s).recoveryJobs()).findFirst().orElse(0);
            double seconds = jobs / recovery.perSecond();
            line(out, String.format(Locale.ROOT, "geard start-to-ready on %,d stored jobs <= 5 s (issue 16)", jobs),
                    String.format(Locale.ROOT, "%.2f s", seconds), seconds <= 5 && recovery.errors() == 0);
        }
        Row memory = find(results, "bg1m", OURS, 1);
        if (memory != null && !Double.isNaN(memory.heapBytesPerJob())) {
            line(out, "heap per queued 64-byte background job <= 300 B",
                    String.format(Locale.ROOT, "%.0f B", memory.heapBytesPerJob()), memory.heapBytesPerJob() <= 300);
        }
        for (String id : List.of("rt", "floor")) {
            Row raw = find(results, id, OURS, 0);
            for (LibraryRoundTripScenario.WorkerStyle style : LibraryRoundTripScenario.WorkerStyle.values()) {
                String libraryId = id + Scenarios.LIBRARY_SUFFIX + style.rowSuffix();
                Row library = find(results, libraryId, OURS, 0);
                if (raw != null && library != null) {
                    double r = library.perSecond() / raw.perSecond();
                    line(out, "library/raw jobs/s on our server (" + libraryId + " / " + id + ") >= 0.7"
                            + (style == LibraryRoundTripScenario.WorkerStyle.SHARED ? ""
                                    : " (for comparison: workers " + style.description() + ")"),
                            String.format(Locale.ROOT, "%.2f (%,.0f / %,.0f)", r, library.perSecond(),
                                    raw.perSecond()), r >= 0.7);
                }
            }
        }
        if (start != null) {
            line(out, "embedded test server start-to-ready median <= 5 ms (plain, after the first)",
                    String.format(Locale.ROOT, "%.2f ms", start.medianMillis()), start.medianMillis() <= 5);
        }
    }

    private interface Figure {
        double of(Row row);
    }

    private static void ratio(PrintStream out, Map<Scenario, Map<String, List<Row>>> results, String id, int phase,
            String what, Figure figure, double bound, boolean atLeast) {
        Row ours = find(results, id, OURS, phase);
        Row theirs = find(results, id, ResultTable.GEARMAND, phase);
        if (ours == null || theirs == null) {
            return;
        }
        double r = figure.of(ours) / figure.of(theirs);
        String partial = theirs.note().isEmpty() ? "" : " (gearmand: " + theirs.note() + ")";
        line(out, what, String.format(Locale.ROOT, "%.2f (%s vs %s)%s", r, ResultTable.format(figure.of(ours)),
                ResultTable.format(figure.of(theirs)), partial), atLeast ? r >= bound : r <= bound);
    }

    private static void line(PrintStream out, String what, String measured, boolean met) {
        out.println("| " + what + " | " + measured + " | " + (met ? "met" : "NOT met") + " |");
    }

    private static Row find(Map<Scenario, Map<String, List<Row>>> results, String id, String server, int phase) {
        for (Map.Entry<Scenario, Map<String, List<Row>>> e : results.entrySet()) {
            if (e.getKey().id().equals(id)) {
                List<Row> rows = e.getValue().get(server);
                return rows == null || phase >= rows.size() ? null : rows.get(phase);
            }
        }
        return null;
    }
}
