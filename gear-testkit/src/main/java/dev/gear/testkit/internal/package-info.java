/**
 * How the test kit works, not for users (the module does not export it; it may change in any
 * release). {@code RunningServer} is one started server with the kit's own event loop, its stub
 * worker ({@code StubWorker}, {@code StubRules}) and test-side client ({@code TestSideClient});
 * {@code KitOptions} the settled options; {@code JournalRecorder} turns the server's internal
 * events into journal events on its loop and {@code EventJournal} holds them for waiting
 * threads; {@code JournalWaits} and {@code RegistrationWaits} are the waits and their failure
 * messages; {@code KitReactions} and {@code FaultPlan} fire faults and the unmatched-job policy
 * at protocol points; {@code KitPeers} connects our client and worker; {@code JobFolder} and
 * {@code JournalDump} fold and render journals; {@code PlainToTlsBridge} lets plain-TCP tools
 * reach a TLS server.
 */
package dev.gear.testkit.internal;
