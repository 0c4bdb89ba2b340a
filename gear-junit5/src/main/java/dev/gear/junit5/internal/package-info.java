/**
 * How the extension works, not for users (not exported; it may change in any release).
 * {@code ServerScope} starts the servers of fields and parameters and says which are in scope
 * ({@code ServerRegistry}, {@code StaticFieldServer} for a static field shared by subclasses);
 * {@code ServerFactory} builds a server from the annotation; {@code ParameterInjection} resolves
 * {@code Client}, {@code Worker} and server parameters; {@code ManagedServer} and
 * {@code ManagedPeer} are what JUnit's store closes; {@code JournalWatch} lets the assertions wait
 * on the journal; {@code JobExpectation} is what a job assertion asks; {@code JournalAttachment}
 * and {@code TestStartMarks} attach the journal, the failing test's events marked, to a failure;
 * {@code Messages} and {@code Sites} word the misuse errors.
 */
package dev.gear.junit5.internal;
