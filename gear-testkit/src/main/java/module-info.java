/**
 * gear's test kit: an in-JVM Gearman server that tests can inspect, script and break, and the TLS
 * material to go with it.
 *
 * <p>{@code dev.gear.testkit} is the API; {@code dev.gear.testkit.internal} is implementation and
 * may change in any release. No test-framework dependency: usable from JUnit, TestNG or a main.
 */
module dev.gear.testkit {
    requires transitive dev.gear.protocol;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;

    exports dev.gear.testkit;
}
