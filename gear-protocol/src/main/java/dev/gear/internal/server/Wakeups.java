package dev.gear.internal.server;

/**
 * NOOPs to sleeping workers. A worker that sent PRE_SLEEP gets at most one NOOP per sleep: the
 * flag is cleared as the NOOP is queued, and set again only by its next PRE_SLEEP. Loop thread only.
 */
final class Wakeups {
    private Wakeups() {
    }

    static void wake(Peer worker) {
        worker.sleeping = false;
        Replies.noop(worker);
    }

    /** NOOP to every sleeping worker of {@code f}. */
    static void wakeSleepers(FunctionEntry f) {
        for (Peer w : f.workerArray()) {
            if (w.sleeping) {
                wake(w);
            }
        }
    }
}
