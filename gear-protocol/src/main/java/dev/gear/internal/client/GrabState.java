package dev.gear.internal.client;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The worker's state for one open server connection (gear's per-connection state machine:
 * IDLE, GRAB_WAIT, SLEEP), kept by its {@link ServerLink}. I/O thread only.
 */
final class GrabState {
    /** GRAB_JOB_UNIQ sent on this connection and not answered yet. */
    int grabsInFlight;
    /** PRE_SLEEP sent: nothing is grabbed here until the server's NOOP. */
    boolean sleeping;
    /**
     * The last answer here was a job: the server likely has more queued, so this connection
     * may take several grabs at once (one per waiting thread) instead of one round trip each.
     * After NO_JOB or a wake-up it takes one grab at a time again.
     */
    boolean hot;
    /** The reply entry for this connection's grabs (stateless, so one serves every grab). */
    WorkerCore.GrabReply reply;
    /**
     * Functions this connection's server has been told about (with their timeouts). A
     * registration racing with a (re)connect would otherwise be announced twice, and servers
     * count a function registered twice as two workers.
     */
    final Map<String, Duration> announced = new HashMap<>();

    boolean canGrab() {
        return !sleeping && (grabsInFlight == 0 || hot);
    }
}
