package dev.gear.internal.server;

import dev.gear.Precedence;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's events, one typed method per {@link ServerEvent}. Each method first asks whether
 * anyone listens, so a server without observers (everything but the test kit) builds no event and
 * copies no payload. Listeners run on the loop thread; one that throws is logged and the others
 * still see the event.
 */
final class ServerEvents {
    private static final Logger LOG = LoggerFactory.getLogger("dev.gear.server.Server");

    private final List<ServerEventListener> listeners = new CopyOnWriteArrayList<>();

    /** Any thread; the listener sees events from the next loop turn on. */
    void add(ServerEventListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void remove(ServerEventListener listener) {
        listeners.remove(listener);
    }

    void connectionOpened(Peer peer) {
        if (observed()) {
            emit(new ServerEvent.ConnectionOpened(peer.id, peer.remoteAddress(), peer.subject));
        }
    }

    void connectionClosed(Peer peer, String reason) {
        if (observed()) {
            emit(new ServerEvent.ConnectionClosed(peer.id, peer.remoteAddress(), reason));
        }
    }

    void adminCommand(Peer peer, String line) {
        if (observed()) {
            emit(new ServerEvent.AdminCommand(peer.id, line));
        }
    }

    void canDo(Peer peer, FunctionEntry f) {
        if (observed()) {
            emit(new ServerEvent.CanDo(peer.id, f.displayName()));
        }
    }

    void cantDo(Peer peer, FunctionEntry f) {
        if (observed()) {
            emit(new ServerEvent.CantDo(peer.id, f.displayName()));
        }
    }

    /**
     * Every refusal by the ACL goes through here, so each one is on record: an INFO line in the
     * server's log and an {@link ServerEvent.AclDenied} event (the test kit's journal).
     */
    void aclDenied(Peer peer, String action, String target, String consequence) {
        LOG.info("ACL: {} (subject {}) may not {} {}; {}", peer, peer.subject, action, target, consequence);
        if (observed()) {
            emit(new ServerEvent.AclDenied(peer.id, peer.subject, action, target));
        }
    }

    /**
     * A submission answered with JOB_CREATED; {@code request} is the SUBMIT it came from (its
     * payload is copied only when someone listens).
     */
    void jobSubmitted(ServerJob job, SubmitRequest request, boolean coalesced, Peer submitter) {
        if (observed()) {
            emit(new ServerEvent.JobSubmitted(job.handle(), job.function.displayName(),
                    new String(request.unique(), StandardCharsets.UTF_8), request.dataCopy(), request.precedence(),
                    request.background(), coalesced, submitter.id));
        }
    }

    void jobAssigned(ServerJob job, Peer worker) {
        if (observed()) {
            emit(new ServerEvent.JobAssigned(job.handle(), job.function.displayName(), worker.id));
        }
    }

    void workData(ServerJob job, byte[] data) {
        if (observed()) {
            emit(new ServerEvent.WorkData(job.handle(), data));
        }
    }

    void workWarning(ServerJob job, byte[] data) {
        if (observed()) {
            emit(new ServerEvent.WorkWarning(job.handle(), data));
        }
    }

    void workStatus(ServerJob job) {
        if (observed()) {
            emit(new ServerEvent.WorkStatus(job.handle(), Bytes.display(job.numerator), Bytes.display(job.denominator)));
        }
    }

    void jobCompleted(ServerJob job, byte[] result) {
        if (observed()) {
            emit(new ServerEvent.JobCompleted(job.handle(), result));
        }
    }

    void jobFailed(ServerJob job, String reason) {
        if (observed()) {
            emit(new ServerEvent.JobFailed(job.handle(), reason));
        }
    }

    void jobException(ServerJob job, byte[] data) {
        if (observed()) {
            emit(new ServerEvent.JobException(job.handle(), data));
        }
    }

    void jobRequeued(ServerJob job, String reason) {
        if (observed()) {
            emit(new ServerEvent.JobRequeued(job.handle(), job.retries, reason));
        }
    }

    void jobHeld(ServerJob job) {
        if (observed()) {
            emit(new ServerEvent.JobHeld(job.handle(), job.function.displayName()));
        }
    }

    void jobReleased(ServerJob job) {
        if (observed()) {
            emit(new ServerEvent.JobReleased(job.handle(), job.function.displayName()));
        }
    }

    void jobCancelled(ServerJob job, String reason) {
        if (observed()) {
            emit(new ServerEvent.JobCancelled(job.handle(), reason));
        }
    }

    /** Whether anyone listens: callers with costly arguments of their own may ask first. */
    boolean observed() {
        return !listeners.isEmpty();
    }

    private void emit(ServerEvent event) {
        for (ServerEventListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                LOG.error("server event listener {} failed on {}", l, event, e);
            }
        }
    }
}
