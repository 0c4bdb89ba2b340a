/**
 * gear's JUnit Jupiter extension: {@link dev.gear.junit5.GearmanServer} on a field or parameter
 * gives a test a running {@code EmbeddedGearmanServer} (static field: one per class, instance
 * field or parameter: one per test), {@code Client} and {@code Worker} parameters arrive connected
 * to it ({@link dev.gear.junit5.ClientCert} and {@link dev.gear.junit5.CanDo} shape them), and
 * {@link dev.gear.junit5.GearAssertions} offers AssertJ assertions on what the server saw, which
 * can wait ({@code within(...)}) instead of sleeping. {@link dev.gear.junit5.GearExtension} is
 * registered by the annotation itself.
 */
package dev.gear.junit5;
