package dev.gear.testkit.internal;

import dev.gear.internal.server.ServerAccess;
import dev.gear.internal.server.ServerCore;
import dev.gear.internal.transport.ConnectionHandler;
import dev.gear.internal.transport.ConnectionLimits;
import dev.gear.internal.transport.EventLoop;
import dev.gear.internal.transport.NioConnection;
import dev.gear.internal.transport.SocketSettings;
import dev.gear.internal.transport.TlsSettings;
import dev.gear.server.Acl;
import dev.gear.server.Server;
import dev.gear.testkit.GearFault;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One started test server and the test kit's own machinery around it: the kit's event loop, its
 * stub worker and test-side client connections, and the {@link Server} with the journal's
 * recorder attached. {@link #restart()} replaces the server on the same port and keeps the rest.
 * Callers serialize start, restart and close (the public facade's lock).
 */
public final class RunningServer {
    private final KitOptions options;
    private final Acl acl;
    private final JournalRecorder recorder;
    private final KitReactions reactions;
    private final JournalWaits waits;
    private final EventLoop kitLoop;
    private final StubWorker stubWorker;
    private final TestSideClient testClient;
    private final HoldingStub holding;
    private volatile Server server;
    private volatile ServerCore core;
    private volatile int port;

    /** Binds and starts; a bind error is thrown here, with nothing left running. */
    public RunningServer(KitOptions options, Acl acl, JournalRecorder recorder, KitReactions reactions,
            JournalWaits waits, EventJournal journal) {
        this.options = options;
        this.acl = acl;
        this.recorder = recorder;
        this.reactions = reactions;
        this.waits = waits;
        this.kitLoop = new EventLoop("gear-testkit-" + options.name());
        StubWorker.Connector connector = this::connectKit;
        this.stubWorker = new StubWorker(kitLoop, connector, reactions::stubUnmatched);
        reactions.stubWorker(stubWorker);
        this.holding = new HoldingStub(stubWorker, journal, waits, options.defaultTimeout());
        stubWorker.holdWith(holding);
        this.testClient = new TestSideClient(kitLoop, connector);
        try {
            startServer(options.port());
        } catch (RuntimeException e) {
            kitLoop.close();
            throw e;
        }
    }

    private void startServer(int onPort) {
        Server.Builder b = Server.builder().listenAddress(options.host()).port(onPort)
                .workerLossPolicy(options.workerLossPolicy()).serverId("testkit-" + options.name())
                .adminShutdown(true); // tests may drive a client through a server that an admin stops
        if (options.certificates() != null) {
            b.tls(options.certificates().serverContext());
        }
        if (acl != null) {
            b.acl(acl);
        }
        if (options.persistentQueue() != null) {
            b.queueStore(dev.gear.server.QueueStores.sqlite(options.persistentQueue()));
        }
        Server s = b.build();
        ServerCore c = ServerAccess.core(s);
        c.addEventListener(recorder);
        reactions.core(c);
        s.start();
        server = s;
        core = c;
        port = s.port();
    }

    /** A new server on the same port; the stub worker comes back if it has stubs to serve. */
    public void restart(boolean reconnectStubs) {
        join(stubWorker.disconnect(), "stub worker disconnect");
        holding.forget(); // the server treats them as a lost worker's jobs
        join(testClient.disconnect(), "test client disconnect");
        server.close();
        recorder.forgetConnections();
        startServer(port);
        if (reconnectStubs) {
            join(stubWorker.reconnect(), "stub worker reconnect");
        }
    }

    /** Cancels every job of {@code snapshot} that no worker runs (admin {@code cancel job}). */
    public void cancelWaitingJobs(dev.gear.server.ServerSnapshot snapshot) {
        for (dev.gear.server.JobSnapshot job : snapshot.jobs()) {
            if (job.state() != dev.gear.server.JobSnapshot.State.RUNNING) {
                join(testClient.admin("cancel job " + job.handle()), "cancelling " + job.handle());
            }
        }
    }

    public Server server() {
        return server;
    }

    public int port() {
        return port;
    }

    public StubWorker stubWorker() {
        return stubWorker;
    }

    public TestSideClient testClient() {
        return testClient;
    }

    /** Applies {@code fault} to connection {@code connection} now; false when no such connection is open. */
    public boolean injectFault(long connection, GearFault fault) {
        ServerCore c = core;
        return join(c.loop().submit(() -> {
            NioConnection nio = c.connection(connection);
            if (nio != null) {
                reactions.fire(fault, nio, connection);
            }
            return nio != null;
        }), "injecting a fault");
    }

    public void setAccepting(boolean accepting) {
        ServerCore c = core;
        join(c.loop().submit(() -> {
            c.setAccepting(accepting);
            return null;
        }), "changing accept state");
    }

    public void close() {
        holding.failUnfinished("as the server closes");
        server.close();
        kitLoop.close();
    }

    /** Jobs held by stubs that {@code willHold()}. */
    public HoldingStub holding() {
        return holding;
    }

    /** The current server's core (replaced by {@link #restart}). */
    public ServerCore core() {
        return core;
    }

    /** The test kit's own loop (its stub worker and test-side client). */
    public EventLoop kitLoop() {
        return kitLoop;
    }

    /**
     * Waits for {@code future} up to the scaled default timeout.
     *
     * @throws AssertionError on timeout, naming {@code what}
     */
    public <T> T join(CompletableFuture<T> future, String what) {
        Duration timeout = waits.scale(options.defaultTimeout());
        try {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not finish " + waits.describeTimeout(options.defaultTimeout()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        }
    }

    private CompletableFuture<NioConnection> connectKit(ConnectionHandler handler) {
        ServerCore c = core;
        TlsSettings tls = options.certificates() == null ? null
                : TlsSettings.of(options.certificates().clientContext(KitOptions.KIT_COMMON_NAME));
        // Mark the connection as the test kit's on the server's loop before it sends anything, so
        // every event after ConnectionOpened names it as the test kit's.
        return kitLoop.connect(new InetSocketAddress(options.host(), port), waits.scale(options.defaultTimeout()),
                SocketSettings.DEFAULTS, ConnectionLimits.DEFAULTS, tls, handler)
                .thenCompose(nio -> c.loop().submit(() -> {
                    recorder.markStub(nio.localAddress());
                    return nio;
                }));
    }
}
