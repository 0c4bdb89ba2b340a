package dev.gear.internal.server;

import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.codec.PacketAccess;
import dev.gear.internal.codec.WireBytes;
import dev.gear.server.ExceptionForwarding;

/**
 * WORK_STATUS, WORK_DATA, WORK_WARNING, WORK_COMPLETE, WORK_FAIL and WORK_EXCEPTION from the worker
 * that holds the job: passed on to every client waiting for it (under RES magic), and the last
 * three end the job. A WORK_* for a job the connection does not hold gets ERROR {@code JOB_NOT_FOUND}
 * in gearmand's words. Loop thread only.
 */
final class WorkResults {
    private final ServerConfig config;
    private final JobLifecycle lifecycle;
    private final ServerEvents events;

    WorkResults(ServerConfig config, JobLifecycle lifecycle, ServerEvents events) {
        this.config = config;
        this.lifecycle = lifecycle;
        this.events = events;
    }

    void work(Peer worker, Packet packet) {
        PacketType type = packet.type();
        byte[] body = PacketAccess.body(packet);
        int handleEnd = type.requiredSeparators() == 0 ? body.length : WireBytes.indexOfNul(body, 0);
        if (handleEnd < 0) {
            packet.field(0); // not from the decoder: throws its InvalidDataException
        }
        ServerJob job = lifecycle.jobs().find(body, 0, handleEnd);
        if (job == null || job.state != ServerJob.State.RUNNING || job.worker != worker) {
            Replies.error(worker, "JOB_NOT_FOUND", jobNotFoundText(type) + ": "
                    + Bytes.display(Bytes.key(packet.field(0)))
                    + (job == null ? " is not a job on this server" : " is not assigned to this connection"));
            return;
        }
        Replies.Forward forward = new Replies.Forward(packet);
        switch (type) {
            case WORK_STATUS -> {
                if (WireBytes.containsNul(packet.field(2))) {
                    // The denominator is WORK_STATUS's last field, so NULs reach it; STATUS_RES_UNIQUE
                    // repeats it before the client count, where a NUL would end it early.
                    Replies.error(worker, "INVALID_ARGUMENTS", "WORK_STATUS denominator contains a NUL byte; "
                            + "GET_STATUS_UNIQUE could not report it; the status was neither stored nor forwarded");
                    return;
                }
                job.numerator = Bytes.key(packet.field(1));
                job.denominator = Bytes.key(packet.field(2));
                forward.sendToListeners(job);
                events.workStatus(job);
            }
            case WORK_DATA -> {
                forward.sendToListeners(job);
                if (events.observed()) {
                    events.workData(job, packet.data());
                }
            }
            case WORK_WARNING -> {
                forward.sendToListeners(job);
                if (events.observed()) {
                    events.workWarning(job, packet.data());
                }
            }
            case WORK_COMPLETE -> {
                forward.sendToListeners(job);
                if (events.observed()) {
                    events.jobCompleted(job, packet.data());
                }
                lifecycle.finished(job);
            }
            case WORK_FAIL -> {
                forward.sendToListeners(job);
                events.jobFailed(job, "worker sent WORK_FAIL");
                lifecycle.finished(job);
            }
            case WORK_EXCEPTION -> {
                forwardException(job, forward);
                if (events.observed()) {
                    events.jobException(job, packet.data());
                }
                lifecycle.finished(job);
            }
            default -> throw new AssertionError(type);
        }
    }

    /**
     * WORK_EXCEPTION goes to clients that asked for exceptions (OPTION_REQ {@code exceptions}), or to
     * all under {@link ExceptionForwarding#ALL_CLIENTS} (gear's way); the others get WORK_FAIL.
     */
    private void forwardException(ServerJob job, Replies.Forward forward) {
        boolean toAll = config.exceptionForwarding() == ExceptionForwarding.ALL_CLIENTS;
        Packet fail = toAll ? null : Replies.workFail(job);
        for (int i = 0; i < job.listenerCount(); i++) {
            Peer listener = job.listener(i);
            if (toAll || listener.exceptions) {
                forward.sendTo(listener);
            } else {
                listener.out.send(fail);
            }
        }
    }

    /** gearmand's texts, so tools that match on them keep working; we add the handle and why. */
    private static String jobNotFoundText(PacketType type) {
        return switch (type) {
            case WORK_DATA, WORK_WARNING -> "Job does not exist on server";
            case WORK_EXCEPTION -> "An exception was received for a job that does not exist";
            default -> "Job given in work result not found";
        };
    }
}
