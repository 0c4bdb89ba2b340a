package dev.gear.testkit.internal;

import dev.gear.internal.server.ServerEvent;
import dev.gear.internal.server.ServerEventListener;
import dev.gear.testkit.JournalEvent;
import dev.gear.testkit.Payload;
import dev.gear.testkit.Peer;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns the server's internal events into journal events, on the server's loop thread. It also
 * keeps what the journal alone cannot answer once events are dropped: who each connection is,
 * which function each job belongs to, and which connections registered which functions (for the
 * unmatched-submission policy and {@code awaitWorkers}).
 *
 * <p>It then lets the {@link Reactions} act on what happened (stubs, faults, policies) while still
 * on the loop thread, so a fault lands at exactly the protocol point it names.
 */
public final class JournalRecorder implements ServerEventListener {
    /** What the test server does in reaction to events; called on the loop thread, after recording. */
    public interface Reactions {
        void jobSubmitted(JournalEvent.JobSubmitted event, boolean anyWorker);

        void jobAssigned(JournalEvent.JobAssigned event);
    }

    private final EventJournal journal;
    private final Reactions reactions;
    private final Map<Long, Peer> peers = new HashMap<>();
    private final Map<String, String> functionOfHandle = new HashMap<>();
    /** Who holds each running job, so WORK_* events name their worker. */
    private final Map<String, Peer> workerOfHandle = new HashMap<>();
    /** function → connections registered for it; read from other threads by awaitWorkers. */
    private final Map<String, Set<Long>> workers = new ConcurrentHashMap<>();
    /**
     * Jobs a hold took before their submission was recorded: the server queues (and so holds) a
     * job before it answers JOB_CREATED, but the journal tells the submission first.
     */
    private final Set<String> heldBeforeSubmitted = new java.util.HashSet<>();
    /**
     * The connection that closed last. The server withdraws a closed connection's functions
     * right after its ConnectionClosed event; those CantDo events are not something the worker
     * sent, so they update the counts but are not journaled (the ConnectionClosed says it).
     */
    private long lastClosed = -1;
    /** Local addresses of the test kit's stub worker connections, to mark their peers. */
    private final Set<String> stubAddresses = ConcurrentHashMap.newKeySet();

    public JournalRecorder(EventJournal journal, Reactions reactions) {
        this.journal = journal;
        this.reactions = reactions;
    }

    /** Marks the test kit's own connection from {@code local}; loop thread. */
    public void markStub(InetSocketAddress local) {
        String a = address(local);
        stubAddresses.add(a);
        peers.replaceAll((id, p) -> p.address().equals(a) ? new Peer(p.connection(), a, p.subject(), true) : p);
    }

    /** Whether {@code address} ({@code host:port}) is one of the test kit's own connections. */
    public boolean isKitAddress(String address) {
        return stubAddresses.contains(address);
    }

    /** How many connections (stubs included) have registered {@code function}. */
    public int workerCount(String function) {
        Set<Long> s = workers.get(function);
        return s == null ? 0 : s.size();
    }

    /** Every function with its registered connection count, for failure messages. */
    public Map<String, Integer> workerCounts() {
        Map<String, Integer> out = new HashMap<>();
        workers.forEach((f, s) -> {
            if (!s.isEmpty()) {
                out.put(f, s.size());
            }
        });
        return out;
    }

    /** Forgets per-connection knowledge after the server restarted (connection ids start again). */
    public void forgetConnections() {
        workers.clear();
        lastClosed = -1;
    }

    @Override
    public void onEvent(ServerEvent event) {
        if (event instanceof ServerEvent.ConnectionOpened o) {
            String address = address(o.remoteAddress());
            Peer p = new Peer(o.connectionId(), address, o.subject(), stubAddresses.contains(address));
            peers.put(o.connectionId(), p);
            journal.append((seq, t) -> new JournalEvent.ConnectionOpened(seq, t, p));
        } else if (event instanceof ServerEvent.ConnectionClosed c) {
            Peer p = peer(c.connectionId(), c.remoteAddress());
            peers.remove(c.connectionId());
            lastClosed = c.connectionId();
            workers.values().forEach(s -> s.remove(c.connectionId()));
            journal.append((seq, t) -> new JournalEvent.ConnectionClosed(seq, t, p, c.reason()));
        } else if (event instanceof ServerEvent.CanDo d) {
            workers.computeIfAbsent(d.function(), k -> new LinkedHashSet<>()).add(d.connectionId());
            journal.append((seq, t) -> new JournalEvent.CanDo(seq, t, peer(d.connectionId(), null), d.function()));
        } else if (event instanceof ServerEvent.CantDo d) {
            Set<Long> s = workers.get(d.function());
            if (s != null) {
                s.remove(d.connectionId());
            }
            if (d.connectionId() == lastClosed) {
                return;
            }
            journal.append((seq, t) -> new JournalEvent.CantDo(seq, t, peer(d.connectionId(), null), d.function()));
        } else if (event instanceof ServerEvent.JobSubmitted s) {
            functionOfHandle.put(s.handle(), s.function());
            JournalEvent.JobSubmitted e = journal.append((seq, t) -> new JournalEvent.JobSubmitted(seq, t,
                    peer(s.connectionId(), null), s.handle(), s.function(), s.unique(), Payload.of(s.payload()),
                    s.precedence(), s.background(), s.coalesced()));
            if (heldBeforeSubmitted.remove(s.handle())) {
                journal.append((seq, t) -> new JournalEvent.JobHeld(seq, t, s.handle(), s.function()));
            }
            if (!s.coalesced()) {
                reactions.jobSubmitted(e, workerCount(s.function()) > 0);
            }
        } else if (event instanceof ServerEvent.JobAssigned a) {
            Peer worker = peer(a.workerConnectionId(), null);
            workerOfHandle.put(a.handle(), worker);
            JournalEvent.JobAssigned e = journal.append((seq, t) -> new JournalEvent.JobAssigned(seq, t,
                    worker, a.handle(), a.function()));
            reactions.jobAssigned(e);
        } else if (event instanceof ServerEvent.WorkData d) {
            journal.append((seq, t) -> new JournalEvent.WorkData(seq, t, workerOfHandle.get(d.handle()), d.handle(), Payload.of(d.data())));
        } else if (event instanceof ServerEvent.WorkWarning w) {
            journal.append((seq, t) -> new JournalEvent.WorkWarning(seq, t, workerOfHandle.get(w.handle()), w.handle(), Payload.of(w.data())));
        } else if (event instanceof ServerEvent.WorkStatus s) {
            journal.append((seq, t) -> new JournalEvent.WorkStatus(seq, t, workerOfHandle.get(s.handle()), s.handle(),
                    parse(s.numerator()), parse(s.denominator())));
        } else if (event instanceof ServerEvent.JobCompleted c) {
            String f = functionOfHandle.remove(c.handle());
            Peer w = workerOfHandle.remove(c.handle());
            journal.append((seq, t) -> new JournalEvent.JobCompleted(seq, t, w, c.handle(), f,
                    Payload.of(c.result())));
        } else if (event instanceof ServerEvent.JobFailed x) {
            String f = functionOfHandle.remove(x.handle());
            Peer held = workerOfHandle.remove(x.handle());
            // Only a WORK_FAIL comes from the worker; otherwise the server failed the job itself.
            Peer w = "worker sent WORK_FAIL".equals(x.reason()) ? held : null;
            journal.append((seq, t) -> new JournalEvent.JobFailed(seq, t, w, x.handle(), f, x.reason()));
        } else if (event instanceof ServerEvent.JobException x) {
            String f = functionOfHandle.remove(x.handle());
            Peer w = workerOfHandle.remove(x.handle());
            journal.append((seq, t) -> new JournalEvent.JobException(seq, t, w, x.handle(), f,
                    Payload.of(x.data())));
        } else if (event instanceof ServerEvent.JobRequeued r) {
            String f = functionOfHandle.get(r.handle());
            workerOfHandle.remove(r.handle());
            journal.append((seq, t) -> new JournalEvent.JobRequeued(seq, t, r.handle(), f, r.reason()));
        } else if (event instanceof ServerEvent.JobHeld h) {
            if (functionOfHandle.containsKey(h.handle())) {
                journal.append((seq, t) -> new JournalEvent.JobHeld(seq, t, h.handle(), h.function()));
            } else {
                heldBeforeSubmitted.add(h.handle());
            }
        } else if (event instanceof ServerEvent.JobReleased r) {
            journal.append((seq, t) -> new JournalEvent.JobReleased(seq, t, r.handle(), r.function()));
        } else if (event instanceof ServerEvent.JobCancelled c) {
            String f = functionOfHandle.remove(c.handle());
            if (c.reason() != null && c.reason().startsWith("cancel")) {
                journal.append((seq, t) -> new JournalEvent.JobCancelled(seq, t, null, c.handle(), f));
            } else {
                journal.append((seq, t) -> new JournalEvent.JobDropped(seq, t, c.handle(), f, c.reason()));
            }
        } else if (event instanceof ServerEvent.AclDenied d) {
            journal.append((seq, t) -> new JournalEvent.AclDenied(seq, t, peer(d.connectionId(), null), d.action(),
                    d.target()));
        } else if (event instanceof ServerEvent.AdminCommand a) {
            journal.append((seq, t) -> new JournalEvent.AdminCommand(seq, t, peer(a.connectionId(), null),
                    a.command()));
        }
    }

    /** The peer of a connection id (loop thread). */
    public Peer peer(long id, InetSocketAddress fallback) {
        Peer p = peers.get(id);
        if (p == null) {
            p = new Peer(id, fallback == null ? "?" : address(fallback), null, false);
        }
        return p;
    }

    private static long parse(String number) {
        try {
            return Long.parseLong(number.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String address(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

}
