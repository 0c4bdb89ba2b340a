package dev.gear.internal.server;

import dev.gear.Precedence;
import dev.gear.internal.transport.Cancellable;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A job held by the server. Loop thread only. */
final class ServerJob {
    enum State { DELAYED, QUEUED, RUNNING, DONE }

    final String handle;
    final byte[] handleBytes;
    final FunctionEntry function;
    final byte[] unique;
    /** The coalescing key within the function, or {@code null} when the job never coalesces. */
    final String uniqueKey;
    final byte[] data;
    final Precedence precedence;
    final boolean background;
    /** The reducer of a SUBMIT_REDUCE_JOB*, else {@code null}. */
    final byte[] reducer;
    final InetSocketAddress submitterAddress;
    final String submitterClientId;
    /** Foreground submissions waiting for results; a connection that submitted twice is here twice. */
    final List<Peer> listeners = new ArrayList<>(1);

    State state;
    /** Global order of entering the queue: the dispatcher picks the lowest among a worker's functions. */
    long sequence;
    /** A background submission was coalesced into this job, so it must survive its clients. */
    boolean backgroundAttached;
    Peer worker;
    int retries;
    String numerator = "0";
    String denominator = "0";
    /** Epoch millis before which an epoch job is held, or 0. */
    long notBeforeMillis;
    /** The epoch release or CAN_DO_TIMEOUT timer, if any. */
    Cancellable timer;

    ServerJob(String handle, FunctionEntry function, byte[] unique, String uniqueKey, byte[] data,
            Precedence precedence, boolean background, byte[] reducer, Peer submitter) {
        this.handle = handle;
        this.handleBytes = Bytes.fromKey(handle);
        this.function = function;
        this.unique = unique;
        this.uniqueKey = uniqueKey;
        this.data = data;
        this.precedence = precedence;
        this.background = background;
        this.reducer = reducer;
        this.submitterAddress = submitter.remoteAddress();
        this.submitterClientId = submitter.clientId;
    }

    /** Whether the job must be kept even when no foreground client waits for it. */
    boolean survivesClients() {
        return background || backgroundAttached;
    }

    void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    @Override
    public String toString() {
        return handle + "(" + function.displayName() + ", " + state + ")";
    }
}
