package dev.gear.internal.server;

import dev.gear.Precedence;
import dev.gear.internal.transport.Cancellable;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

/**
 * A job held by the server. Loop thread only.
 *
 * <p>Kept small because a server may hold millions of queued jobs (see docs/server.md, "Memory per
 * job"): the handle is a prefix shared by every job of the submitting connection plus a number,
 * its bytes and text are made when needed; the listener list exists only for foreground jobs; the
 * submitter's address and client id are references to the connection's own objects; the unique
 * key is the unique or data array itself. A large payload stays in the SUBMIT body it arrived in
 * ({@link #dataInBody}), so it is neither copied out of it nor into the JOB_ASSIGN frame.
 */
final class ServerJob {
    /** STORING: a background job whose row the queue store has not made durable yet; no one sees it. */
    enum State { STORING, DELAYED, QUEUED, HELD, RUNNING, DONE }

    static final byte[] NO_BYTES = new byte[0];
    /**
     * Data of at least this many bytes is kept inside its SUBMIT body (the body's function name and
     * unique come along, a few per cent at most) and written to the worker from there.
     */
    static final int SHARE_MIN = 1024;
    /** gearmand's status before any WORK_STATUS. */
    static final String ZERO = "0";

    /** {@code H:<ip>:} or the configured prefix and {@code :}, shared by the submitter's jobs. */
    final byte[] handlePrefix;
    /** The handle's number, unique on the server; {@link JobTable}'s key. */
    final long number;
    final FunctionEntry function;
    final byte[] unique;
    /**
     * Holds the data at its end: the data alone, or, when {@link #dataInBody}, the whole
     * {@code function\0unique\0data} body of the SUBMIT (see {@link #dataOffset}).
     */
    final byte[] dataArray;
    /**
     * Whether {@link #dataArray} is the SUBMIT body. A flag rather than an offset field: it fits
     * in the object's padding, so a queued job costs no more (see docs/server.md, "Memory per job").
     */
    final boolean dataInBody;
    /** The reducer of a SUBMIT_REDUCE_JOB*, else {@code null}. */
    final byte[] reducer;
    final InetSocketAddress submitterAddress;
    final String submitterClientId;
    /** HIGH 0, NORMAL 1, LOW 2 (see {@link FunctionEntry#rank}). */
    final byte rank;
    final boolean background;
    /** A background submission was coalesced into this job, so it must survive its clients. */
    boolean backgroundAttached;
    /** Foreground submissions waiting for results: null for none (see {@link Waiters}). */
    private Waiters listeners;

    State state;
    /** Global order of entering the queue: the dispatcher picks the lowest among a worker's functions. */
    long sequence;
    Peer worker;
    int retries;
    String numerator = ZERO;
    String denominator = ZERO;
    /** Epoch millis before which an epoch job is held, or 0. */
    long notBeforeMillis;
    /** The epoch release or CAN_DO_TIMEOUT timer, if any. */
    Cancellable timer;

    /**
     * @param dataArray the data, or, when {@code dataInBody}, a SUBMIT body {@code function\0unique\0data}
     *     whose unique equals {@code unique} and is not {@code -} (that unique makes the data a key)
     */
    ServerJob(byte[] handlePrefix, long number, FunctionEntry function, byte[] unique, byte[] dataArray,
            boolean dataInBody, Precedence precedence, boolean background, byte[] reducer, Peer submitter) {
        this(handlePrefix, number, function, unique, dataArray, dataInBody, precedence, background, reducer,
                submitter.remoteAddress(), submitter.clientId);
    }

    ServerJob(byte[] handlePrefix, long number, FunctionEntry function, byte[] unique, byte[] data,
            Precedence precedence, boolean background, byte[] reducer, InetSocketAddress submitterAddress,
            String submitterClientId) {
        this(handlePrefix, number, function, unique, data, false, precedence, background, reducer, submitterAddress,
                submitterClientId);
    }

    private ServerJob(byte[] handlePrefix, long number, FunctionEntry function, byte[] unique, byte[] dataArray,
            boolean dataInBody, Precedence precedence, boolean background, byte[] reducer,
            InetSocketAddress submitterAddress, String submitterClientId) {
        if (dataInBody && unique.length == 1 && unique[0] == '-') {
            throw new IllegalArgumentException("unique '-' makes the data a key: it must be an array of its own");
        }
        this.handlePrefix = handlePrefix;
        this.number = number;
        this.function = function;
        this.unique = unique.length == 0 ? NO_BYTES : unique;
        this.dataArray = dataArray.length == 0 ? NO_BYTES : dataArray;
        this.dataInBody = dataInBody && dataArray.length > 0;
        this.rank = (byte) FunctionEntry.rank(precedence);
        this.background = background;
        this.reducer = reducer;
        this.submitterAddress = submitterAddress;
        this.submitterClientId = submitterClientId;
    }

    /** Where the data starts in {@link #dataArray}: after the body's second NUL, or 0. */
    int dataOffset() {
        if (!dataInBody) {
            return 0;
        }
        int nul = 0;
        for (int i = 0, found = 0; ; i++) {
            if (dataArray[i] == 0 && ++found == 2) {
                nul = i;
                break;
            }
        }
        return nul + 1;
    }

    int dataLength() {
        return dataArray.length - dataOffset();
    }

    /** The data as an array of its own (a copy when it lies in the body): for events and snapshots. */
    byte[] data() {
        return dataInBody ? Arrays.copyOfRange(dataArray, dataOffset(), dataArray.length) : dataArray;
    }

    Precedence precedence() {
        return FunctionEntry.BY_RANK[rank];
    }

    /** The handle's bytes, as sent in JOB_CREATED and JOB_ASSIGN. */
    byte[] handleBytes() {
        byte[] out = new byte[handleLength()];
        writeHandle(out, 0);
        return out;
    }

    int handleLength() {
        return handlePrefix.length + digits(number);
    }

    /** Writes the handle at {@code at}; returns the position after it. */
    int writeHandle(byte[] out, int at) {
        System.arraycopy(handlePrefix, 0, out, at, handlePrefix.length);
        int end = at + handlePrefix.length + digits(number);
        long n = number;
        int i = end;
        do {
            out[--i] = (byte) ('0' + n % 10);
            n /= 10;
        } while (n != 0);
        return end;
    }

    /** The handle as text (each byte one char, as the handle is matched on the wire). */
    String handle() {
        return Bytes.key(handlePrefix) + number;
    }

    static int digits(long n) {
        int d = 1;
        while (n >= 10) {
            n /= 10;
            d++;
        }
        return d;
    }

    /**
     * The coalescing key within the function: the unique, or the data for unique {@code -}
     * (gearmand's "the payload is the unique"); {@code null} when the unique is empty (never
     * coalesces).
     */
    byte[] uniqueKey() {
        return uniqueKeyOf(unique, dataArray); // never in a body when the data is the key
    }

    static byte[] uniqueKeyOf(byte[] unique, byte[] data) {
        return unique.length == 0 ? null : unique.length == 1 && unique[0] == '-' ? data : unique;
    }

    int listenerCount() {
        if (listeners instanceof Waiters.Several several) {
            return several.peers.size();
        }
        return listeners == null ? 0 : 1;
    }

    /** Listener {@code i}, {@code 0 <= i < listenerCount()}. */
    Peer listener(int i) {
        if (listeners instanceof Peer only && i == 0) {
            return only;
        }
        if (listeners instanceof Waiters.Several several) {
            return several.peers.get(i);
        }
        throw new IndexOutOfBoundsException("listener " + i + " of " + listenerCount());
    }

    void addListener(Peer peer) {
        if (listeners == null) {
            listeners = peer;
        } else if (listeners instanceof Peer only) {
            listeners = new Waiters.Several(only, peer);
        } else if (listeners instanceof Waiters.Several several) {
            several.peers.add(peer);
        }
    }

    /** Removes every entry of {@code peer}. */
    void removeListener(Peer peer) {
        if (listeners == peer) {
            listeners = null;
        } else if (listeners instanceof Waiters.Several several) {
            List<Peer> list = several.peers;
            list.removeIf(l -> l == peer);
            listeners = list.isEmpty() ? null : list.size() == 1 ? list.get(0) : several;
        }
    }

    void clearListeners() {
        listeners = null;
    }

    /** Waiting for a worker: queued, held, or delayed until its epoch time. */
    boolean isWaiting() {
        return state == State.QUEUED || state == State.HELD || state == State.DELAYED;
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
        return handle() + "(" + function.displayName() + ", " + state + ")";
    }
}
