package dev.gear.internal.client;

import dev.gear.GearmanException;
import dev.gear.GearmanTimeoutException;
import dev.gear.Job;
import dev.gear.Packet;
import dev.gear.PacketType;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One SUBMIT_JOB* on its way: the future {@code submitJobAsync} returns, the entry in the submit
 * queue and, once written, the connection's pending reply, all in one object, so a submission
 * allocates nothing else of ours. Completes with the job at JOB_CREATED; any failure before that
 * (ERROR, lost connection, deadline, cancel) lets the job be submitted again.
 */
final class Submission extends CompletableFuture<Job> implements PendingReply {
    final JobState state;
    final Packet packet;
    private final ClientCore core;
    private final long deadline;
    private final Duration timeout;
    /** The server it was written to; set on the I/O thread before the write. */
    ServerConnection server;

    Submission(ClientCore core, JobState state, Packet packet, Duration timeout) {
        this.core = core;
        this.state = state;
        this.packet = packet;
        this.timeout = timeout;
        this.deadline = Deadlines.after(timeout);
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
        try {
            complete(core.created(server, state, reply));
        } catch (RuntimeException e) {
            completeExceptionally(e);
        }
    }

    @Override
    public void onFailure(GearmanException error) {
        completeExceptionally(error);
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
        return deadline;
    }

    @Override
    public void expire(ServerConnection connection) {
        completeExceptionally(new GearmanTimeoutException(packet.type() + " on " + connection
                + " got no answer within " + timeout.toMillis() + " ms"));
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
