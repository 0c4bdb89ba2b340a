package dev.gear.server;

import dev.gear.Precedence;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One job held by the server at the moment of a {@link ServerSnapshot}.
 *
 * @param handle            the job handle, {@code H:<submitter ip>:<n>} by default
 * @param function          the function name (UTF-8)
 * @param unique            the unique id as submitted (UTF-8), empty when none
 * @param payload           the job's arguments (a copy)
 * @param precedence        its priority
 * @param background        whether it was submitted in the background (no client waits for it)
 * @param state             where it is
 * @param submitterAddress  address of the connection that created it
 * @param submitterClientId the client id of that connection when the job was submitted, or {@code null}
 * @param workerConnectionId the connection running it, or {@code null} unless {@link State#RUNNING}
 * @param retries           how often it was requeued after losing its worker
 * @param waitingClients    foreground submissions waiting for its result (coalesced ones included)
 * @param notBefore         for an epoch job, when it becomes available; else {@code null}
 * @param numerator         the last WORK_STATUS numerator, {@code "0"} before any
 * @param denominator       the last WORK_STATUS denominator, {@code "0"} before any
 */
public record JobSnapshot(String handle, String function, String unique, byte[] payload, Precedence precedence,
        boolean background, State state, InetSocketAddress submitterAddress, String submitterClientId,
        Long workerConnectionId, int retries, int waitingClients, Instant notBefore, String numerator,
        String denominator) {

    /** Where a job is. */
    public enum State {
        /** An epoch job held until its time. */
        DELAYED,
        /** Waiting for a worker. */
        QUEUED,
        /**
         * Waiting, but kept from every worker by a hold (the test kit's {@code holdJobs}) until it
         * is released; counted as queued by the {@code status} admin command.
         */
        HELD,
        /** Assigned to a worker. */
        RUNNING
    }

    public JobSnapshot {
        Objects.requireNonNull(handle, "handle");
        payload = payload.clone();
    }

    /** A copy of the payload. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload decoded as UTF-8. */
    public String payloadString() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof JobSnapshot j)) {
            return false;
        }
        return handle.equals(j.handle) && function.equals(j.function) && unique.equals(j.unique)
                && Arrays.equals(payload, j.payload) && precedence == j.precedence && background == j.background
                && state == j.state && Objects.equals(submitterAddress, j.submitterAddress)
                && Objects.equals(submitterClientId, j.submitterClientId)
                && Objects.equals(workerConnectionId, j.workerConnectionId) && retries == j.retries
                && waitingClients == j.waitingClients && Objects.equals(notBefore, j.notBefore)
                && numerator.equals(j.numerator) && denominator.equals(j.denominator);
    }

    @Override
    public int hashCode() {
        return Objects.hash(handle, function, unique, Arrays.hashCode(payload), precedence, background, state, retries);
    }

    @Override
    public String toString() {
        return "JobSnapshot[" + handle + " " + function + (unique.isEmpty() ? "" : " unique=" + unique) + " "
                + precedence + (background ? " background" : "") + " " + state
                + (workerConnectionId != null ? " worker=" + workerConnectionId : "")
                + (retries > 0 ? " retries=" + retries : "") + " payload=" + payload.length + " bytes]";
    }
}
