package dev.gear.bench;

import java.util.ArrayList;
import java.util.List;

/** The {@link TimedLoop.Outcome}s of a session's measured slices, added up. */
final class Outcomes {
    private final List<long[]> samples = new ArrayList<>();
    private long count;
    private long late;
    private long errors;
    private double seconds;

    void add(TimedLoop.Outcome outcome) {
        samples.add(outcome.sortedNanos());
        count += outcome.sortedNanos().length;
        late += outcome.late();
        errors += outcome.errors();
        seconds += outcome.seconds();
    }

    double perSecond() {
        return count / seconds;
    }

    long errors() {
        return errors;
    }

    long succeeded() {
        return count + late;
    }

    double percentileMillis(double p) {
        long[] all = new long[(int) count];
        int at = 0;
        for (long[] part : samples) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        java.util.Arrays.sort(all);
        return Latencies.percentileMillis(all, p);
    }
}
