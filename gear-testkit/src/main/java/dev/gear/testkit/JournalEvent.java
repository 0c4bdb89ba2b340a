package dev.gear.testkit;

import dev.gear.Precedence;
import java.time.Instant;

/**
 * One thing the test server saw or did. Immutable; the set of kinds is closed.
 *
 * <p>Every event carries a {@link #sequence()} that grows by one per event over the server's whole
 * life (restarts and {@link EmbeddedGearmanServer#reset()} do not rewind it), so an event's
 * sequence number identifies it in dumps and failure messages even after older events were
 * dropped from the bounded journal.
 *
 * @since 0.1
 */
public sealed interface JournalEvent {
    /** Position in the server's event history, starting at 1. */
    long sequence();

    /** When the server recorded the event. */
    Instant time();

    /** The job handle this event is about, or {@code null} for connection-level events. */
    default String handle() {
        return null;
    }

    /** A peer connected (after the TLS handshake, when TLS is on). */
    record ConnectionOpened(long sequence, Instant time, Peer peer) implements JournalEvent {
    }

    /** A connection ended; {@code reason} says why (peer closed, fault, server closed, …). */
    record ConnectionClosed(long sequence, Instant time, Peer peer, String reason) implements JournalEvent {
    }

    /** A worker announced it can do {@code function} (CAN_DO or CAN_DO_TIMEOUT). */
    record CanDo(long sequence, Instant time, Peer worker, String function) implements JournalEvent {
    }

    /**
     * A worker withdrew {@code function} (CANT_DO, or RESET_ABILITIES for each function). A worker
     * whose connection closes loses its registrations without CantDo events: its
     * {@link ConnectionClosed} says so.
     */
    record CantDo(long sequence, Instant time, Peer worker, String function) implements JournalEvent {
    }

    /**
     * A SUBMIT_JOB* was accepted and answered with JOB_CREATED. {@code coalesced} is true when the
     * (function, unique) pair joined a job already queued or running, which keeps its handle.
     */
    record JobSubmitted(long sequence, Instant time, Peer submitter, String handle, String function, String unique,
            Payload payload, Precedence precedence, boolean background, boolean coalesced) implements JournalEvent {
    }

    /** The server handed the job to a worker (JOB_ASSIGN*), or to a stub. */
    record JobAssigned(long sequence, Instant time, Peer worker, String handle, String function)
            implements JournalEvent {
    }

    /** WORK_DATA from the worker. */
    record WorkData(long sequence, Instant time, Peer worker, String handle, Payload data) implements JournalEvent {
    }

    /** WORK_WARNING from the worker. */
    record WorkWarning(long sequence, Instant time, Peer worker, String handle, Payload data)
            implements JournalEvent {
    }

    /** WORK_STATUS from the worker. */
    record WorkStatus(long sequence, Instant time, Peer worker, String handle, long numerator, long denominator)
            implements JournalEvent {
    }

    /** WORK_COMPLETE: the job is done with {@code result}. */
    record JobCompleted(long sequence, Instant time, Peer worker, String handle, String function, Payload result)
            implements JournalEvent {
    }

    /**
     * WORK_FAIL. {@code worker} is {@code null} when the server failed the job itself;
     * {@code reason} then says why (worker lost, no worker under the fail-fast policy).
     */
    record JobFailed(long sequence, Instant time, Peer worker, String handle, String function, String reason)
            implements JournalEvent {
    }

    /** WORK_EXCEPTION with its data. */
    record JobException(long sequence, Instant time, Peer worker, String handle, String function, Payload data)
            implements JournalEvent {
    }

    /** An open {@link JobHold} took the job as it was about to be queued: no worker gets it until released. */
    record JobHeld(long sequence, Instant time, String handle, String function) implements JournalEvent {
    }

    /** Every hold that took the job let go of it: it is queued again, in its original place. */
    record JobReleased(long sequence, Instant time, String handle, String function) implements JournalEvent {
    }

    /**
     * Something the test kit itself did to a job and wants the reader of the journal to know, e.g.
     * failing a job a holding stub still held when the server closed.
     */
    record KitNote(long sequence, Instant time, String handle, String note) implements JournalEvent {
    }

    /** The job was cancelled by {@code by} (admin {@code cancel job}). */
    record JobCancelled(long sequence, Instant time, Peer by, String handle, String function)
            implements JournalEvent {
    }

    /** The job went back to its queue because its worker was lost ({@code reason}). */
    record JobRequeued(long sequence, Instant time, String handle, String function, String reason)
            implements JournalEvent {
    }

    /** The server dropped the job without a result, e.g. its only client left ({@code reason}). */
    record JobDropped(long sequence, Instant time, String handle, String function, String reason)
            implements JournalEvent {
    }

    /** No worker and no stub could take the job when it was submitted (unmatched policy REPORT). */
    record JobUnmatched(long sequence, Instant time, String handle, String function) implements JournalEvent {
    }

    /** The ACL denied {@code peer} the {@code action} (register, invoke, grant, admin) on {@code target}. */
    record AclDenied(long sequence, Instant time, Peer peer, String action, String target) implements JournalEvent {
    }

    /** An administrative text command. */
    record AdminCommand(long sequence, Instant time, Peer peer, String command) implements JournalEvent {
    }

    /** The test kit injected a fault toward {@code target}. */
    record FaultInjected(long sequence, Instant time, Peer target, String fault) implements JournalEvent {
    }
}
