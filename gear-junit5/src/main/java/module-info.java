/**
 * gear's JUnit Jupiter extension: {@code @GearmanServer} injection of a real in-JVM server,
 * {@code Client} and {@code Worker} parameters connected to it, and AssertJ assertions that wait.
 *
 * <p>{@code dev.gear.junit5} is the API. {@code dev.gear.junit5.internal} is implementation and is
 * not exported: users cannot depend on it, so it may change in any release. A test module that
 * uses {@code @GearmanServer} on fields opens its test packages to JUnit (as any Jupiter test module
 * does) and to this module, which injects them.
 */
module dev.gear.junit5 {
    requires transitive dev.gear.testkit;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;
    requires org.junit.platform.commons;
    requires org.opentest4j;
    requires org.slf4j;
    // The whole-run server's listener (compiled against the launcher, loaded only with it). It is
    // registered in META-INF/services for the class path, where build tools run tests, and not
    // with 'provides': that would make the launcher a hard requirement on the module path.
    requires static org.junit.platform.launcher;

    exports dev.gear.junit5;
}
