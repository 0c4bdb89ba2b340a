package dev.gear.internal.server;

import dev.gear.Packet;
import java.util.Arrays;

/**
 * SUBMIT_*: the ACL's say, coalescing on the unique id (gearmand's rule: the same function and
 * unique share one job and its handle), {@code maxqueue}, and the JOB_CREATED. The hot path of
 * background enqueue: the fields are read from the packet's body in place; what is kept is one copy
 * of the data (and of a non-empty unique) and the job itself; the reply is one array written
 * straight to the connection. Loop thread only.
 */
final class Submissions {
    private final ServerConfig config;
    private final RequestParser parser;
    private final JobLifecycle lifecycle;
    private final ServerEvents events;

    Submissions(ServerConfig config, RequestParser parser, JobLifecycle lifecycle, ServerEvents events) {
        this.config = config;
        this.parser = parser;
        this.lifecycle = lifecycle;
        this.events = events;
    }

    void submit(Peer peer, Packet packet) {
        SubmitRequest request = parser.submit(peer, packet, lifecycle.isDraining());
        if (request == null) {
            return; // refused, and answered
        }
        FunctionEntry f = submittedFunction(peer, request.body(), request.nameEnd());
        if (f == null) {
            return; // refused by the ACL
        }
        byte[] uniqueKey = request.uniqueKey();
        ServerJob existing = uniqueKey == null ? null : f.byUnique.get(uniqueKey);
        if (existing != null) {
            if (request.background() && lifecycle.needsStoring(existing)) {
                ReplyOrder.Slot slot = peer.out.reserve(); // later requests' answers wait behind this one
                lifecycle.coalesceDurably(existing,
                        failure -> peer.out.fill(slot, () -> answer(peer, existing, request, true, failure)));
                return;
            }
            lifecycle.coalesce(existing, peer, request.background());
            Replies.jobCreated(peer, existing);
            events.jobSubmitted(existing, request, true, peer);
            return;
        }
        int rank = FunctionEntry.rank(request.precedence());
        if (JobLifecycle.queueFull(f, rank)) {
            Replies.error(peer, "QUEUE_ERROR", "Job queue is full: " + f.displayName() + " holds "
                    + f.maxQueue[rank] + " " + request.precedence() + " jobs, its maxqueue");
            return;
        }
        if (request.background() && lifecycle.isDurable()) {
            // JOB_CREATED only once the row is durable: a client that saw it never loses the job.
            ReplyOrder.Slot slot = peer.out.reserve(); // later requests' answers wait behind this one
            lifecycle.createDurably(request, f, handlePrefix(peer), peer,
                    (stored, failure) -> peer.out.fill(slot, () -> answer(peer, stored, request, false, failure)));
            return;
        }
        ServerJob job = lifecycle.create(request, f, handlePrefix(peer), peer);
        // After the queueing, as gearmand does: a sleeping worker's NOOP is queued (and flushed)
        // before the JOB_CREATED, because the worker's grab is on the job's critical path and the
        // client's JOB_CREATED is not.
        Replies.jobCreated(peer, job);
        // After JOB_CREATED: observers (the test kit's faults "after JOB_CREATED") see an answered submission.
        events.jobSubmitted(job, request, false, peer);
    }

    /** The answer to a background submission whose row was stored ({@code failure} null) or not. */
    private void answer(Peer peer, ServerJob job, SubmitRequest request, boolean coalesced, String failure) {
        if (failure != null) {
            Replies.error(peer, "QUEUE_ERROR", "Job could not be stored in the queue store, so it was not accepted: "
                    + failure);
            return;
        }
        Replies.jobCreated(peer, job);
        events.jobSubmitted(job, request, coalesced, peer);
    }

    /**
     * The function named {@code body[0, nameEnd)} after the ACL check, or null (refused, and
     * answered). A connection submitting to the function it used last costs one byte comparison.
     */
    private FunctionEntry submittedFunction(Peer peer, byte[] body, int nameEnd) {
        FunctionEntry f = peer.lastFunction;
        boolean allowAll = config.permissions() == PermissionPolicy.ALLOW_ALL;
        if (allowAll && f != null && !f.dropped && f.hasName(body, 0, nameEnd)) {
            return f;
        }
        String key = Bytes.key(Arrays.copyOf(body, nameEnd));
        if (!allowAll && !config.permissions().canInvoke(peer.subject, Bytes.display(key))) {
            events.aclDenied(peer, "invoke", Bytes.display(key), "SUBMIT_* answered ERROR 0, no job created");
            Replies.error(peer, "0", "Permission denied by ACL");
            return null;
        }
        f = lifecycle.functions().function(key);
        peer.lastFunction = f;
        return f;
    }

    /** {@code H:<ip>:} (or the configured prefix and {@code :}), made once per connection. */
    private byte[] handlePrefix(Peer peer) {
        byte[] prefix = peer.handlePrefix;
        if (prefix == null) {
            prefix = Bytes.fromKey((config.handlePrefix() != null ? config.handlePrefix() : "H:" + peer.ip()) + ":");
            peer.handlePrefix = prefix;
        }
        return prefix;
    }
}
