/**
 * The Gearman job server: {@link dev.gear.server.Server} (built from {@link dev.gear.server.Server.Builder}
 * into an immutable {@link dev.gear.server.ServerOptions}), its access control ({@link dev.gear.server.Acl},
 * {@link dev.gear.server.AclEntry}, {@link dev.gear.server.AclFile}), the policies that decide what
 * happens to jobs when workers are lost or throw ({@link dev.gear.server.WorkerLossPolicy},
 * {@link dev.gear.server.ExceptionForwarding}), and the immutable snapshots of its state
 * ({@link dev.gear.server.ServerSnapshot} and the records it holds). The protocol state behind it
 * lives in {@code dev.gear.internal.server}.
 */
package dev.gear.server;
