/**
 * How {@code Client} and {@code Worker} talk to servers; not API. A {@code ServerPool} holds the
 * {@code ServerLink}s of one client or worker (one per {@code addServer}: connects, reconnects,
 * and matches each reply to its request through a FIFO of {@code PendingReply}s) and the
 * {@code EventLoop} that drives them. What a link does beyond correlation is its
 * {@code ConnectionRole}: {@code ClientCore} (submissions, each a {@code Submission} that finds
 * its server and fails over; WORK_* routed through the connection's {@code HandleTable} to the
 * job's {@code JobProgress}; events out through {@code JobEvents}) or {@code WorkerCore} (grabs
 * per connection in its {@code GrabState}, jobs as {@code AssignedJob}s, handlers run by the
 * {@code JobDispatcher}). Everything marked "I/O thread" runs on that loop and asserts it.
 */
package dev.gear.internal.client;
