package dev.gear.internal.client;

import dev.gear.GearmanException;
import dev.gear.Job;
import dev.gear.NoConnectedServersException;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.SubmitFailedException;
import dev.gear.internal.codec.PacketAccess;
import dev.gear.internal.codec.WireBytes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One SUBMIT_JOB* on its way: the future {@code submitJobAsync} returns, the entry in the submit
 * queue and, once written, the pending reply in the FIFO of the server it was written to, all in
 * one object, so a submit that succeeds at once allocates nothing else of ours. Completes with the
 * job at JOB_CREATED; any failure before that (ERROR, lost connection, deadline, cancel) lets the
 * job be submitted again.
 *
 * <p><b>Failover</b> (gear's): each connected server is tried at most once, in the client's
 * round-robin order. An ERROR answer, a lost connection (or one that could not take the request)
 * or no answer within the attempt's share of the time moves on to the next untried connected
 * server; the submit fails when none is left, with {@link SubmitFailedException} once two or more
 * were tried. The timeout bounds the whole submit: each attempt gets an equal share of the time
 * still left among the servers not yet tried ({@code left / untried}), so the last one gets all
 * that is left. A server that used up its share without answering has its connection dropped
 * before the next one is tried (as gear does): its late JOB_CREATED is never read, so the job
 * never gets a handle from a server we gave up on, and no server is asked again once one answered
 * JOB_CREATED. Such a server may still have created the job (and run it): failover is at least
 * once, as in gear. Without failover the first failure ends the submit, as before.
 *
 * <p>The object is in at most one FIFO at a time: an ERROR answer takes it off its server's FIFO,
 * and a lost or dropped connection clears its FIFO, before the next server is tried. Everything
 * but the constructor and the future's own methods runs on the I/O thread.
 */
final class Submission extends CompletableFuture<Job> implements PendingReply {
    /** What every submission of one client shares. */
    record Context(ServerPool<HandleTable> pool, JobEvents events, boolean failover) {
    }

    private final Context context;
    private final JobProgress state;
    private final Packet packet;
    private final long deadline;
    private final long timeoutNanos;
    /** The server of the attempt in progress; null between attempts. */
    private ServerLink<HandleTable> server;
    private long attemptStart;
    private long attemptDeadline;
    /** Servers tried and how each failed; made at the first failure (most submits have none). */
    private List<ServerLink<HandleTable>> tried;
    private List<SubmitFailedException.Attempt> failures;

    Submission(Context context, JobProgress state, Packet packet, Duration timeout) {
        this.context = context;
        this.state = state;
        this.packet = packet;
        this.timeoutNanos = Deadlines.nanos(timeout);
        this.deadline = System.nanoTime() + timeoutNanos;
    }

    /** Taken from the submit queue: the first attempt. */
    void start() {
        assert context.pool().loop().inLoop();
        if (isDone()) {
            return; // cancelled or timed out by its caller before it could be written
        }
        tryNext();
    }

    private void tryNext() {
        ServerPool<HandleTable> pool = context.pool();
        ServerLink<HandleTable> next = tried == null ? pool.next() : pool.nextUntried(tried);
        if (next == null) {
            if (tried == null) {
                completeExceptionally(new NoConnectedServersException(
                        "Unable to submit job: no connected Gearman servers; " + pool.describeServers()));
            } else {
                giveUp();
            }
            return;
        }
        long now = System.nanoTime();
        int candidates = !context.failover() ? 1 : tried == null ? pool.connected().size() : pool.countUntried(tried);
        attemptStart = now;
        attemptDeadline = candidates <= 1 ? deadline : now + Math.max(0, deadline - now) / candidates;
        server = next;
        next.send(packet, this); // may call onFailure at once (not connected): then the next is tried
    }

    /** The attempt on the current server failed: record it and try the next, or end the submit. */
    private void attemptFailed(ServerLink<HandleTable> failed, GearmanException error) {
        server = null;
        if (!context.failover()) {
            completeExceptionally(error);
            return;
        }
        if (tried == null) {
            tried = new ArrayList<>(4);
            failures = new ArrayList<>(4);
        }
        tried.add(failed);
        failures.add(new SubmitFailedException.Attempt(failed.toString(), error));
        if (deadline - System.nanoTime() <= 0) {
            giveUp(); // the whole timeout is used up
        } else {
            tryNext();
        }
    }

    /** Every connected server was tried (or the time is up): one failure is reported as it was. */
    private void giveUp() {
        completeExceptionally(failures.size() == 1 ? failures.get(0).error()
                : new SubmitFailedException(state.job().name(), failures));
    }

    @Override
    public boolean expects(PacketType type) {
        return type == PacketType.JOB_CREATED;
    }

    @Override
    public void onReply(Packet reply) {
        if (isDone()) {
            return;
        }
        ServerLink<HandleTable> link = server;
        try {
            // The packet is not kept: its body needs no copy.
            byte[] handle = WireBytes.stripTrailingNuls(PacketAccess.body(reply));
            state.created(handle, link);
            if (!state.isBackground()) {
                link.roleState().add(JobProgress.key(handle, handle.length), state);
            }
            context.events().fire(JobEvents.Kind.CREATED, state.job(), null);
            complete(state.job());
        } catch (RuntimeException e) {
            completeExceptionally(e);
        }
    }

    @Override
    public void onFailure(GearmanException error) {
        if (isDone() || server == null) {
            return; // an attempt already given up (its connection dropped by us)
        }
        attemptFailed(server, error);
    }

    @Override
    public boolean isAbandoned() {
        return isDone();
    }

    @Override
    public boolean hasDeadline() {
        return true;
    }

    @Override
    public long deadline() {
        return attemptDeadline;
    }

    @Override
    public void expire(ServerLink<?> connection) {
        if (isDone() || connection != server) {
            return; // a late check for an attempt that already moved on
        }
        ServerLink<HandleTable> silent = server;
        // The time this attempt was given: the whole timeout for a first and only one (the message
        // then reads as it always did), its share otherwise.
        long given = tried == null && attemptDeadline == deadline ? timeoutNanos : attemptDeadline - attemptStart;
        String what = packet.type().toString();
        if (attemptDeadline == deadline || !context.failover()) {
            // The whole timeout is used up: the entry stays in the FIFO and swallows a late answer
            // (as without failover), and the connection stays open.
            attemptFailed(silent, Deadlines.noAnswer(what, connection, given, ""));
            if (!isDone()) {
                giveUp();
            }
            return;
        }
        server = null; // the failure the drop reports to this entry is not a second one
        silent.drop("no answer to " + what + " within " + Duration.ofNanos(given).toMillis()
                + " ms (its share of the submit's timeout); trying the next server");
        attemptFailed(silent, Deadlines.noAnswer(what, connection, given, "; connection dropped"));
    }

    /** Before the dependents run, so one of them may submit the job again. */
    @Override
    public boolean completeExceptionally(Throwable ex) {
        if (!isDone()) {
            state.submitFailed();
        }
        return super.completeExceptionally(ex);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!isDone()) {
            state.submitFailed();
        }
        return super.cancel(mayInterruptIfRunning);
    }
}
