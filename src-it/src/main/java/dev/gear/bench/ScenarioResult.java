package dev.gear.bench;

import java.util.List;

/**
 * What one scenario measured on one server.
 *
 * @param metrics the numbers, in table order
 * @param errors  jobs or requests that failed or timed out during the measured phase (should be 0;
 *                a nonzero count makes the other numbers suspect and is printed next to them)
 */
record ScenarioResult(List<Metric> metrics, long errors) {
}
