package dev.gear.internal.client;

import dev.gear.ClientListener;
import dev.gear.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one surface through which the client core reports job events: an array of
 * {@link ClientListener}s, the first of which is the {@code Client}'s adapter to its overridable
 * {@code handle…} hooks, then the user's listeners in registration order. Runs on the I/O thread,
 * after the job was updated. A listener that throws (an exception or an error other than a
 * {@link VirtualMachineError}) is logged and does not keep the others from hearing the event.
 */
public final class JobEvents {
    private static final Logger LOG = LoggerFactory.getLogger(JobEvents.class);

    /** What happened to a job; each maps to one {@link ClientListener} method. */
    enum Kind {
        CREATED, DATA, WARNING, STATUS, COMPLETE, FAIL, EXCEPTION, STATUS_RES, DISCONNECT
    }

    /** An array: iterating it allocates nothing (events fire several times per job). */
    private final ClientListener[] listeners;

    /** {@code listeners} in the order they hear each event (not copied: the caller hands it over). */
    public JobEvents(ClientListener[] listeners) {
        this.listeners = listeners;
    }

    /** {@code data} is the payload for DATA and WARNING, ignored otherwise. I/O thread. */
    void fire(Kind kind, Job job, byte[] data) {
        for (ClientListener l : listeners) {
            try {
                switch (kind) {
                    case CREATED -> l.onJobCreated(job);
                    case DATA -> l.onWorkData(job, data);
                    case WARNING -> l.onWorkWarning(job, data);
                    case STATUS -> l.onWorkStatus(job);
                    case COMPLETE -> l.onWorkComplete(job);
                    case FAIL -> l.onWorkFail(job);
                    case EXCEPTION -> l.onWorkException(job);
                    case STATUS_RES -> l.onStatusRes(job);
                    case DISCONNECT -> l.onDisconnect(job);
                }
            } catch (VirtualMachineError e) {
                throw e; // out of memory and the like: nothing here can go on safely
            } catch (Throwable e) {
                // Errors too (an AssertionError in a test's listener, a LinkageError): escaping,
                // they would end the I/O thread, and the JVM-wide one serves every default client.
                LOG.error("client event hook failed", e);
            }
        }
    }
}
