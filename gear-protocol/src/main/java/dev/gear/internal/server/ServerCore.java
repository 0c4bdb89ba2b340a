package dev.gear.internal.server;

import dev.gear.internal.store.GroupCommitWriter;
import dev.gear.internal.store.StoredJob;
import dev.gear.internal.transport.Acceptor;
import dev.gear.internal.transport.ConnectionHandler;
import dev.gear.internal.transport.EventLoop;
import dev.gear.internal.transport.NioConnection;
import dev.gear.server.JobSnapshot;
import dev.gear.server.ServerSnapshot;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Gearman server's state, assembled: {@link PacketDispatch} takes the transport's input and
 * hands each request to the part that owns it ({@link Submissions}, {@link JobDispatch},
 * {@link WorkerRegistry}, {@link WorkResults}, {@link AdminCommands}); {@link JobLifecycle} owns
 * every job's state; {@link Replies} writes every frame; {@link ServerEvents} tells observers.
 * This class is what {@link dev.gear.server.Server} and the test kit hold: the server's lifecycle
 * (graceful drain, stop), snapshots, and observers.
 *
 * <p>Everything here runs on the one event-loop thread that owns it, so none of it is locked;
 * other threads reach it through {@link EventLoop#submit}.
 */
public final class ServerCore implements Acceptor {
    private static final Logger LOG = LoggerFactory.getLogger("dev.gear.server.Server");

    private final ServerConfig config;
    private final ServerEvents events = new ServerEvents();
    private final JobLifecycle lifecycle;
    private final PacketDispatch dispatch;
    private EventLoop loop;
    private ServerControl control;
    private boolean stopping;

    public ServerCore(ServerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.lifecycle = new JobLifecycle(config, events);
        this.dispatch = new PacketDispatch(this, config, lifecycle, events);
    }

    /** Connects the core to its loop and owner; once, before the first connection. */
    public void attach(EventLoop loop, ServerControl control) {
        this.loop = loop;
        this.control = control;
        lifecycle.attach(loop, this::drained);
    }

    public EventLoop loop() {
        return loop;
    }

    @Override
    public ConnectionHandler accept(NioConnection connection) {
        assert loop.inLoop();
        return dispatch.accept(connection);
    }

    /** The open connection numbered {@code id}, or {@code null}; loop thread (test kit fault injection). */
    public NioConnection connection(long id) {
        assert loop.inLoop();
        Peer p = dispatch.peer(id);
        return p == null ? null : p.connection;
    }

    /** Stops or resumes accepting connections without unbinding; loop thread (test kit). */
    public void setAccepting(boolean accepting) {
        assert loop.inLoop();
        control.setAccepting(accepting);
    }

    /** Adds an observer. Any thread; it sees events from the next loop turn on. */
    public void addEventListener(ServerEventListener listener) {
        events.add(listener);
    }

    public void removeEventListener(ServerEventListener listener) {
        events.remove(listener);
    }

    ServerConfig config() {
        return config;
    }

    Collection<Peer> peers() {
        return dispatch.peers();
    }

    JobLifecycle lifecycle() {
        return lifecycle;
    }

    boolean isStopping() {
        return stopping;
    }

    // ---------------------------------------------------------------- lifecycle

    /** {@code shutdown [graceful]}, or the API's: graceful waits for running jobs. */
    public void shutdown(boolean graceful) {
        assert loop.inLoop();
        if (stopping) {
            return;
        }
        if (!graceful) {
            stop();
            return;
        }
        if (!lifecycle.isDraining()) {
            LOG.info("graceful shutdown: no new connections or jobs; waiting for {} running job(s)",
                    lifecycle.runningJobs());
            control.stopAccepting();
        }
        lifecycle.startDraining();
    }

    /** The last running job of a graceful shutdown has ended. */
    private void drained() {
        if (!stopping) {
            stop();
        }
    }

    private void stop() {
        stopping = true;
        // Run in a later turn so replies queued now (the admin OK) are flushed first.
        loop.execute(control::stop);
    }

    /** Called by the owner right before the loop closes every connection. */
    public void markStopping() {
        stopping = true;
    }

    /**
     * From now on, jobs matching {@code criteria} (asked once per job, as it is about to be queued)
     * are held: queued for {@code status} and snapshots, but given to no worker until released.
     * Loop thread (the test kit's {@code holdJobs}).
     */
    public JobHold holdJobs(Predicate<JobSnapshot> criteria) {
        assert loop.inLoop();
        return lifecycle.holdJobs(criteria);
    }

    /**
     * Keeps background jobs in {@code writer}'s store from now on, and queues {@code rows} (what the
     * store held at start) again; loop thread, before the first connection.
     */
    public void restore(GroupCommitWriter writer, List<StoredJob> rows) {
        assert loop.inLoop();
        lifecycle.attachStore(new DurableJobs(writer, loop));
        String prefix = config.handlePrefix() != null ? config.handlePrefix() : "H:stored";
        lifecycle.restore(rows, Bytes.fromKey(prefix + ":"));
    }

    /** Closes the queue store once what was queued for it is committed; after the loop has ended. */
    public void closeStore() {
        DurableJobs store = lifecycle.store();
        if (store != null) {
            store.close();
        }
    }

    /** An immutable picture of the state; loop thread only. */
    public ServerSnapshot snapshot() {
        assert loop.inLoop();
        return Snapshots.of(this);
    }
}
