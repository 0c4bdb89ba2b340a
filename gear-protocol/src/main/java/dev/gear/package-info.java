/**
 * The client-side API of gear for Java and the wire types it shares with the server.
 * {@link dev.gear.Client} submits {@link dev.gear.Job}s and follows them (hooks and
 * {@link dev.gear.ClientListener}s), failing over between servers;
 * {@link dev.gear.Worker} registers functions and takes {@link dev.gear.WorkerJob}s (by
 * {@code getJob} or with a {@link dev.gear.JobHandler}); both extend {@link dev.gear.BaseClient},
 * which holds their servers ({@link dev.gear.Connection}) and I/O thread (their own or a
 * {@link dev.gear.SharedIoThread}). {@link dev.gear.AdminRequest} and its subclasses are the
 * text admin protocol; {@link dev.gear.Packet}, {@link dev.gear.PacketType} and {@link dev.gear.Magic}
 * the binary one. Every exception is a {@link dev.gear.GearmanException}. The implementation lives
 * in {@code dev.gear.internal.client}.
 */
package dev.gear;
