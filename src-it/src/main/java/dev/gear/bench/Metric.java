package dev.gear.bench;

/**
 * One measured number of one scenario on one server.
 *
 * @param name           what was measured, with its unit ("jobs/s", "p99 ms")
 * @param higherIsBetter whether a larger value is better, so the table can say which way the ratio points
 * @param ranked         false for context numbers that are neither better nor worse when larger (CPU used)
 * @param value          the number (NaN when not measured)
 */
record Metric(String name, boolean higherIsBetter, boolean ranked, double value) {
    static Metric rate(String name, double value) {
        return new Metric(name, true, true, value);
    }

    static Metric time(String name, double value) {
        return new Metric(name, false, true, value);
    }

    /** A number for context only: the table prints it and its ratio but says neither way is better. */
    static Metric info(String name, double value) {
        return new Metric(name, false, false, value);
    }
}
