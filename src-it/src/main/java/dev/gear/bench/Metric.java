package dev.gear.bench;

/**
 * One measured number of one scenario on one server.
 *
 * @param name           what was measured, with its unit ("jobs/s", "p99 ms")
 * @param higherIsBetter whether a larger value is better, so the table can say which way the ratio points
 * @param value          the number (NaN when not measured)
 */
record Metric(String name, boolean higherIsBetter, double value) {
    static Metric rate(String name, double value) {
        return new Metric(name, true, value);
    }

    static Metric time(String name, double value) {
        return new Metric(name, false, value);
    }
}
