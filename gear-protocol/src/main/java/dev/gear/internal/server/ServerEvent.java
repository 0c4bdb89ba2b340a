package dev.gear.internal.server;

import dev.gear.Precedence;
import java.net.InetSocketAddress;

/** Something the server did; immutable (byte arrays are copies owned by the event). */
public sealed interface ServerEvent {

    /** A connection was accepted; {@code subject} is its TLS client certificate's CN, or {@code null}. */
    record ConnectionOpened(long connectionId, InetSocketAddress remoteAddress, String subject) implements ServerEvent {
    }

    /** A worker registered a function (CAN_DO, CAN_DO_TIMEOUT) and the ACL allowed it. */
    record CanDo(long connectionId, String function) implements ServerEvent {
    }

    /** A worker's registration ended (CANT_DO, RESET_ABILITIES, or its connection closed). */
    record CantDo(long connectionId, String function) implements ServerEvent {
    }

    /**
     * The ACL refused {@code action} on {@code target}: {@code register} or {@code invoke} a function,
     * or an admin command ({@code cancel job}, {@code shutdown}, {@code maxqueue},
     * {@code create function}, {@code drop function}, {@code acl grant}, {@code acl revoke},
     * {@code acl self-revoke}) whose target is the rest of its line.
     */
    record AclDenied(long connectionId, String subject, String action, String target) implements ServerEvent {
    }

    /** An administrative text command arrived. */
    record AdminCommand(long connectionId, String command) implements ServerEvent {
    }

    /** A connection is gone. */
    record ConnectionClosed(long connectionId, InetSocketAddress remoteAddress, String reason) implements ServerEvent {
    }

    /** A SUBMIT_* created a job, or was coalesced into an existing one ({@code coalesced}). */
    record JobSubmitted(String handle, String function, String unique, byte[] payload, Precedence precedence,
            boolean background, boolean coalesced, long connectionId) implements ServerEvent {
    }

    /** A worker was given the job. */
    record JobAssigned(String handle, String function, long workerConnectionId) implements ServerEvent {
    }

    /** WORK_DATA from the job's worker. */
    record WorkData(String handle, byte[] data) implements ServerEvent {
    }

    /** WORK_WARNING from the job's worker. */
    record WorkWarning(String handle, byte[] data) implements ServerEvent {
    }

    /** WORK_STATUS from the job's worker. */
    record WorkStatus(String handle, String numerator, String denominator) implements ServerEvent {
    }

    /** WORK_COMPLETE: the job ended successfully. */
    record JobCompleted(String handle, byte[] result) implements ServerEvent {
    }

    /** The job ended in failure: WORK_FAIL from its worker, or the server failed it ({@code reason}). */
    record JobFailed(String handle, String reason) implements ServerEvent {
    }

    /** WORK_EXCEPTION: the job ended with an exception. */
    record JobException(String handle, byte[] data) implements ServerEvent {
    }

    /** The job went back to its queue (worker lost or timed out). */
    record JobRequeued(String handle, int retries, String reason) implements ServerEvent {
    }

    /** A hold took the job as it was about to be queued: no worker gets it until it is released. */
    record JobHeld(String handle, String function) implements ServerEvent {
    }

    /** A held job went back to its queue, in its place. */
    record JobReleased(String handle, String function) implements ServerEvent {
    }

    /** A waiting job was removed before any worker took it ({@code cancel job}, or its clients left). */
    record JobCancelled(String handle, String reason) implements ServerEvent {
    }
}
