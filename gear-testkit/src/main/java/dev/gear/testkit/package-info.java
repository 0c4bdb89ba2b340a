/**
 * gear's test kit: a real Gearman server in the test's JVM that tests can inspect, script and
 * break. {@link dev.gear.testkit.EmbeddedGearmanServer} is the entry point (built with its
 * {@code Builder}, bound to loopback port 0 in {@code start()}); it records what happens in a
 * bounded {@link dev.gear.testkit.Journal} of sealed {@link dev.gear.testkit.JournalEvent}s,
 * waits on that journal instead of sleeping, answers functions itself with
 * {@link dev.gear.testkit.StubbedFunction}s, submits jobs to workers under test
 * ({@link dev.gear.testkit.SubmittedJob}), breaks connections with
 * {@link dev.gear.testkit.GearFault}s, and generates TLS material with
 * {@link dev.gear.testkit.TestCertificates}. Everything here is immutable or thread-safe, and
 * nothing is global, so servers in one JVM never share state. No test-framework dependency.
 */
package dev.gear.testkit;
