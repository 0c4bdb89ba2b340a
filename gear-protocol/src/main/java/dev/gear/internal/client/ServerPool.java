package dev.gear.internal.client;

import dev.gear.ConfigurationException;
import dev.gear.GearmanException;
import dev.gear.GearmanTimeoutException;
import dev.gear.NoConnectedServersException;
import dev.gear.internal.transport.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The servers of one client or worker and the I/O thread that drives them all: its own, or one it
 * shares with other clients and workers. Keeps the list of connected servers for round-robin
 * choice, and lets callers wait until one is connected.
 */
public final class ServerPool<S> {
    private final EventLoop loop;
    private final PoolSettings settings;
    private final ConnectionRole<S> role;
    private final CopyOnWriteArrayList<ServerLink<S>> servers = new CopyOnWriteArrayList<>();
    /** Connected servers in connect order; I/O thread only. */
    private final List<ServerLink<S>> connected = new ArrayList<>();
    private final AtomicInteger anyThreadIndex = new AtomicInteger();
    private final Object connectedMonitor = new Object();
    private int connectedCount; // guarded by connectedMonitor
    private int roundRobin;
    private volatile boolean closed;
    /** Whether {@link #loop} is this pool's own (closed with it) or shared (left running). */
    private final boolean ownsLoop;

    /** With {@code sharedLoop} null, the pool starts an I/O thread of its own named {@code threadName}. */
    public ServerPool(String threadName, PoolSettings settings, ConnectionRole<S> role, EventLoop sharedLoop) {
        this.settings = settings;
        this.role = role;
        this.ownsLoop = sharedLoop == null;
        this.loop = ownsLoop ? new EventLoop(threadName) : sharedLoop;
    }

    public EventLoop loop() {
        return loop;
    }

    public PoolSettings settings() {
        return settings;
    }

    ConnectionRole<S> role() {
        return role;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Adds a server and starts connecting to it in the background. Any thread. */
    public synchronized ServerLink<S> addServer(String host, int port, Connector connector) {
        if (closed) {
            throw new GearmanException("cannot add a server: already shut down");
        }
        if (host == null || host.isEmpty()) {
            throw new ConfigurationException("host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new ConfigurationException("port must be in 1..65535, was " + port);
        }
        for (ServerLink<S> s : servers) {
            if (s.host().equals(host) && s.port() == port) {
                throw new ConfigurationException("Host/port already specified: " + host + ":" + port);
            }
        }
        ServerLink<S> server = new ServerLink<>(this, host, port, connector);
        servers.add(server);
        loop.execute(server::start);
        return server;
    }

    /** Every configured server, connected or not. Any thread. */
    public List<ServerLink<S>> servers() {
        return List.copyOf(servers);
    }

    /** Next connected server in round-robin order, or null. I/O thread. */
    public ServerLink<S> next() {
        assert loop.inLoop();
        if (connected.isEmpty()) {
            return null;
        }
        roundRobin = (roundRobin + 1) % connected.size();
        return connected.get(roundRobin);
    }

    /**
     * The connected server after the one {@link #next()} last gave, in the round-robin order,
     * that is not in {@code tried}, or null when every connected one is (a submit's failover: each
     * server at most once). Leaves the rotation where it is, so a broken server does not become
     * the first choice of every later submit. I/O thread.
     */
    public ServerLink<S> nextUntried(List<ServerLink<S>> tried) {
        assert loop.inLoop();
        int n = connected.size();
        for (int i = 1; i <= n; i++) {
            ServerLink<S> candidate = connected.get((roundRobin + i) % n);
            if (!tried.contains(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** How many connected servers are not in {@code tried}. I/O thread. */
    public int countUntried(List<ServerLink<S>> tried) {
        int n = 0;
        for (ServerLink<S> s : connected) {
            if (!tried.contains(s)) {
                n++;
            }
        }
        return n;
    }

    /** Connected servers; I/O thread. */
    public List<ServerLink<S>> connected() {
        return connected;
    }

    /** A connected server, rotating between calls. Any thread. */
    public ServerLink<S> anyConnected() {
        List<ServerLink<S>> all = servers;
        int n = all.size();
        int start = Math.floorMod(anyThreadIndex.getAndIncrement(), Math.max(1, n));
        for (int i = 0; i < n; i++) {
            ServerLink<S> s = all.get((start + i) % n);
            if (s.isConnected()) {
                return s;
            }
        }
        throw new NoConnectedServersException("No connected Gearman servers"
                + (n == 0 ? " (none added: call addServer first)" : " (" + n + " configured, none connected); "
                        + describeServers()));
    }

    /**
     * Every server with why it is not connected, e.g. {@code servers: 127.0.0.1:4730 (cannot connect
     * to 127.0.0.1:4730: TLS handshake failed: server refused the handshake: Received fatal alert:
     * bad_certificate)}: a refused certificate must reach the user, not only a debug log.
     */
    public String describeServers() {
        List<ServerLink<S>> all = servers();
        if (all.isEmpty()) {
            return "no servers added (call addServer first)";
        }
        StringBuilder sb = new StringBuilder("servers: ");
        for (int i = 0; i < all.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(all.get(i).describeState());
        }
        return sb.toString();
    }

    void connectionUp(ServerLink<S> server) {
        if (!connected.contains(server)) {
            connected.add(server);
        }
        synchronized (connectedMonitor) {
            connectedCount = connected.size();
            connectedMonitor.notifyAll();
        }
    }

    void connectionDown(ServerLink<S> server) {
        connected.remove(server);
        synchronized (connectedMonitor) {
            connectedCount = connected.size();
        }
    }

    /**
     * Blocks until at least one server is connected. Returns at once after shutdown (as gear does).
     *
     * @throws GearmanTimeoutException when none connected within {@code timeout}
     */
    public void waitForServer(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (connectedMonitor) {
            if (connectedCount == 0 && !closed) {
                Await.refuseOnIoThread(() -> "waitForServer");
            }
            while (connectedCount == 0 && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new GearmanTimeoutException("no Gearman server connected within " + timeout.toMillis()
                            + " ms; " + describeServers());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(connectedMonitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new GearmanException("interrupted while waiting for a server", e);
                }
            }
        }
    }

    /**
     * Closes every connection ({@code onDisconnected} runs for each), stops reconnecting and ends
     * the I/O thread if it is the pool's own. What was queued gets one write before the sockets
     * close, on a shared thread as on an own one. Idempotent; waits for the I/O thread unless
     * called on it.
     */
    public void close(String reason) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        Runnable closeAll = () -> {
            for (ServerLink<S> s : servers) {
                s.shutdown(reason);
            }
        };
        if (loop.inLoop()) {
            closeAll.run();
        } else {
            awaitOnLoop(closeAll); // if the loop is closing anyway, its shutdown closes what is left
        }
        synchronized (connectedMonitor) {
            connectedMonitor.notifyAll();
        }
        if (ownsLoop) {
            loop.close(); // its last turn writes what is queued, then closes every connection
            return;
        }
        // A shared loop goes on: close what the closing flush left open, on a later turn (after
        // that flush), as an own loop's shutdown would.
        Runnable closeLeftovers = () -> {
            for (ServerLink<S> s : servers) {
                s.closeNow(reason);
            }
        };
        if (loop.inLoop()) {
            loop.execute(closeLeftovers);
        } else {
            awaitOnLoop(closeLeftovers); // if the shared thread was closed meanwhile, it closed them
        }
    }

    /**
     * Runs {@code task} on the loop and waits for it (10 s at most). A loop that is closing or
     * gone runs nothing: its own shutdown closes every connection, which is what the tasks here do.
     */
    private void awaitOnLoop(Runnable task) {
        try {
            loop.submit(() -> {
                task.run();
                return null;
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
