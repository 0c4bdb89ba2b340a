/**
 * gear's test kit: an in-JVM Gearman server that tests can inspect, script and break.
 *
 * <p>{@code dev.gear.testkit} is the API; {@code dev.gear.testkit.internal} is implementation and
 * may change in any release. No test-framework dependency: usable from JUnit, TestNG or a main.
 */
module dev.gear.testkit {
    requires transitive dev.gear.protocol;

    exports dev.gear.testkit;
}
