/**
 * The persistent queue: background jobs as rows of gearmand's tables, so geard and gearmand can
 * take over each other's queue. {@code QueueStore} is the small interface ({@code SqliteQueueStore},
 * {@code PostgresQueueStore}); {@code GroupCommitWriter} is the one thread that commits everything
 * that arrived during its previous commit in one transaction, so the server's loop never waits for
 * the disk; {@code StoredKeys} gives jobs without a unique a key of their own; {@code LibpqConninfo}
 * reads gearmand's {@code --libpq-conninfo}. The server side of it is {@code DurableJobs} and
 * {@code QueueRecovery} in {@code dev.gear.internal.server}. Exported only to the test kit.
 */
package dev.gear.internal.store;
