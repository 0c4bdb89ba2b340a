package dev.gear.internal.server;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.codec.DecodeError;
import dev.gear.internal.codec.WireBytes;
import dev.gear.internal.transport.Acceptor;
import dev.gear.internal.transport.ConnectionHandler;
import dev.gear.internal.transport.NioConnection;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the transport hands the server its input: a connection opening and closing, each packet
 * and each admin line. A packet goes through one switch to the part of the server that owns its
 * concern; this class keeps only the connections and the statsd timing. Loop thread only.
 */
final class PacketDispatch implements Acceptor {
    private static final Logger LOG = LoggerFactory.getLogger("dev.gear.server.Server");

    private final ServerConfig config;
    private final ServerCore core;
    private final RequestParser parser;
    private final JobLifecycle lifecycle;
    private final JobDispatch dispatch;
    private final WorkerRegistry workers;
    private final Submissions submissions;
    private final WorkResults results;
    private final ServerEvents events;
    private final AdminCommands admin;
    /** Open connections by id, in the order they opened (admin {@code workers} order). */
    private final Map<Long, Peer> peers = new LinkedHashMap<>();
    private long nextPeerId = 1;

    PacketDispatch(ServerCore core, ServerConfig config, JobLifecycle lifecycle, ServerEvents events) {
        this.core = core;
        this.config = config;
        this.lifecycle = lifecycle;
        this.events = events;
        this.parser = new RequestParser(config.maxUniqueLength());
        this.dispatch = new JobDispatch(lifecycle, events);
        this.workers = new WorkerRegistry(config, lifecycle.functions(), dispatch, events);
        this.submissions = new Submissions(config, parser, lifecycle, events);
        this.results = new WorkResults(config, lifecycle, events);
        this.admin = new AdminCommands(core, lifecycle, events);
    }

    @Override
    public ConnectionHandler accept(NioConnection connection) {
        return new Peer(nextPeerId++, connection, this);
    }

    /** The open connections, in the order they opened; do not modify. */
    Collection<Peer> peers() {
        return peers.values();
    }

    /** The open connection numbered {@code id}, or {@code null}. */
    Peer peer(long id) {
        return peers.get(id);
    }

    // ---------------------------------------------------------------- connections

    /**
     * The connection is usable: at once for plain TCP, after the handshake under TLS (a failed
     * handshake never gets here, so the server never lists a connection it cannot talk to).
     */
    void opened(Peer peer) {
        peer.subject = config.subjectResolver().apply(peer.connection);
        peers.put(peer.id, peer);
        if (LOG.isDebugEnabled()) {
            LOG.debug("connection {} opened from {}", peer.id, peer.remoteAddress());
        }
        events.connectionOpened(peer);
    }

    void closed(Peer peer, String reason) {
        if (peers.remove(peer.id) == null) {
            return; // closed before it opened (a failed TLS handshake)
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("connection {} from {} closed: {}", peer.id, peer.remoteAddress(), reason);
        }
        events.connectionClosed(peer, reason);
        if (core.isStopping()) {
            return; // the whole server is going; nothing to hand over
        }
        workers.resetAbilities(peer);
        lifecycle.reportQueue(); // after the requeueing as well; cheap, and the gauges must follow losses
        lifecycle.workerLost(peer, reason);
        lifecycle.clientLost(peer);
        lifecycle.reportQueue();
    }

    void line(Peer peer, String line) {
        events.adminCommand(peer, line);
        Replies.text(peer, admin.execute(peer, line));
    }

    void decodeError(Peer peer, DecodeError error) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("bad input from {}: {} {}{}", peer.remoteAddress(), error.code(), error.message(),
                    error.fatal() ? " (closing)" : "");
        }
        if (error.code().equals("LINE_TOO_LONG")) { // the only error of a text frame
            Replies.textError(peer.connection, error.code(), error.message());
        } else {
            Replies.error(peer.connection, error.code(), error.message());
        }
    }

    // ---------------------------------------------------------------- packets

    void packet(Peer peer, Packet packet) {
        StatsdReporter statsd = config.statsd();
        if (statsd == null) {
            handle(peer, packet);
            return;
        }
        long start = System.nanoTime();
        handle(peer, packet);
        statsd.packet(packet.type(), System.nanoTime() - start);
        switch (packet.type()) {
            // gear updates the gauges on submit, grab and finish
            case SUBMIT_JOB, SUBMIT_JOB_BG, SUBMIT_JOB_HIGH, SUBMIT_JOB_HIGH_BG, SUBMIT_JOB_LOW, SUBMIT_JOB_LOW_BG,
                    SUBMIT_JOB_EPOCH, GRAB_JOB, GRAB_JOB_UNIQ, GRAB_JOB_ALL, WORK_COMPLETE, WORK_FAIL,
                    WORK_EXCEPTION -> lifecycle.reportQueue();
            default -> { }
        }
    }

    /** The one switch: every request type to the part of the server that owns it. */
    private void handle(Peer peer, Packet packet) {
        PacketType type = packet.type();
        if (packet.magic() != Magic.REQ) {
            Replies.error(peer, "INVALID_MAGIC", "Request magic expected: " + type
                    + " arrived with \\0RES magic, which only servers send; the packet was ignored");
            return;
        }
        switch (type) {
            case CAN_DO -> {
                if (parser.fitsAdminLines(peer, "CAN_DO function name", packet.field(0),
                        "the function was not registered")) {
                    workers.canDo(peer, packet.field(0), 0);
                }
            }
            case CAN_DO_TIMEOUT -> {
                int timeout = parser.canDoTimeout(peer, packet);
                if (timeout != RequestParser.REFUSED) {
                    workers.canDo(peer, packet.field(0), timeout);
                }
            }
            case CANT_DO -> workers.cantDo(peer, packet.field(0));
            case RESET_ABILITIES -> workers.resetAbilities(peer);
            case PRE_SLEEP -> dispatch.preSleep(peer);
            case SUBMIT_JOB, SUBMIT_JOB_BG, SUBMIT_JOB_HIGH, SUBMIT_JOB_HIGH_BG, SUBMIT_JOB_LOW, SUBMIT_JOB_LOW_BG,
                    SUBMIT_JOB_EPOCH, SUBMIT_REDUCE_JOB, SUBMIT_REDUCE_JOB_BACKGROUND -> submissions.submit(peer, packet);
            case GRAB_JOB, GRAB_JOB_UNIQ, GRAB_JOB_ALL -> dispatch.grab(peer, type);
            case WORK_STATUS, WORK_COMPLETE, WORK_FAIL, WORK_EXCEPTION, WORK_DATA, WORK_WARNING ->
                    results.work(peer, packet);
            case GET_STATUS -> getStatus(peer, packet.field(0));
            case GET_STATUS_UNIQUE -> getStatusUnique(peer, packet.field(0));
            case ECHO_REQ -> Replies.echo(peer, packet);
            case OPTION_REQ -> option(peer, packet.fieldString(0));
            case SET_CLIENT_ID -> {
                if (parser.fitsAdminLines(peer, "SET_CLIENT_ID id", packet.field(0), "the client id was not changed")) {
                    peer.clientId = packet.fieldString(0);
                }
            }
            default -> Replies.error(peer, "INVALID_COMMAND", "Command not expected: " + type
                    + (type.code() == 5 || type == PacketType.ALL_YOURS || type == PacketType.SUBMIT_JOB_SCHED
                            ? " is not implemented by Gearman servers"
                            : " is sent by servers, not to them"));
        }
    }

    private static void option(Peer peer, String name) {
        if (name.equals("exceptions")) {
            peer.exceptions = true;
            Replies.optionAccepted(peer, "exceptions");
        } else {
            Replies.error(peer, "UNKNOWN_OPTION",
                    "Server does not recognize given option '" + name + "'; the only option is 'exceptions'");
        }
    }

    private void getStatus(Peer peer, byte[] handle) {
        if (WireBytes.containsNul(handle)) {
            // STATUS_RES repeats the handle as a NUL-terminated field, so it cannot carry this one;
            // and no job has such a handle (ours never contain NUL, and SUBMIT_* could not send one).
            Replies.error(peer, "INVALID_ARGUMENTS", "GET_STATUS handle contains a NUL byte; no job has such a handle");
            return;
        }
        Replies.status(peer, handle, lifecycle.jobs().find(handle));
    }

    private void getStatusUnique(Peer peer, byte[] unique) {
        if (WireBytes.containsNul(unique)) {
            // As for GET_STATUS: unsendable in STATUS_RES_UNIQUE, and SUBMIT_* uniques end at their NUL.
            Replies.error(peer, "INVALID_ARGUMENTS",
                    "GET_STATUS_UNIQUE unique contains a NUL byte; no job has such a unique");
            return;
        }
        // gearmand searches across all functions and takes the first match.
        ServerJob job = null;
        for (FunctionEntry f : lifecycle.functions().all()) {
            job = f.byUnique.get(unique);
            if (job != null) {
                break;
            }
        }
        Replies.statusUnique(peer, unique, job);
    }
}
