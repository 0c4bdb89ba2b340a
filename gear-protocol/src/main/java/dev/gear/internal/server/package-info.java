/**
 * The server's protocol state, owned by one event-loop thread and never locked. {@code ServerCore}
 * assembles it; {@code PacketDispatch} takes each connection's input and hands every request, in one
 * switch, to the class that owns its concern: {@code Submissions} (SUBMIT_*, parsed by
 * {@code RequestParser} into a {@code SubmitRequest}), {@code JobDispatch} (GRAB_JOB*, PRE_SLEEP),
 * {@code WorkerRegistry} (CAN_DO and friends), {@code WorkResults} (WORK_*), {@code AdminCommands}
 * (text lines). {@code JobLifecycle} is the one owner of every job's state and counters (with
 * {@code JobHolds} for the test kit's held jobs); {@code Replies} writes every frame;
 * {@code ServerEvents} tells observers. Exported only to the test kit.
 */
package dev.gear.internal.server;
