package dev.gear.internal.server;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.Precedence;
import dev.gear.internal.codec.DecodeError;
import dev.gear.internal.codec.PacketAccess;
import dev.gear.internal.codec.WireBytes;
import dev.gear.internal.transport.Acceptor;
import dev.gear.internal.transport.ConnectionHandler;
import dev.gear.internal.transport.EventLoop;
import dev.gear.internal.transport.NioConnection;
import dev.gear.server.ExceptionForwarding;
import dev.gear.server.ServerSnapshot;
import dev.gear.server.WorkerLossPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Gearman server's state and its reactions to packets and admin lines. Everything here runs
 * on the one event-loop thread that owns it, so none of it is locked; other threads reach it
 * through {@link EventLoop#submit}.
 *
 * <p>Dispatch: each function keeps one FIFO per priority, and every job entering a queue takes
 * the next value of a global sequence. A grab looks at the head of each of the worker's functions,
 * priority by priority, and takes the lowest sequence: HIGH before NORMAL before LOW, FIFO across
 * all the worker's functions, in O(functions) per grab however long the queues are.
 */
public final class ServerCore implements Acceptor, ConnectionHandler {
    private static final Logger LOG = LoggerFactory.getLogger("dev.gear.server.Server");

    private final ServerConfig config;
    private final List<ServerEventListener> eventListeners = new CopyOnWriteArrayList<>();
    private final AdminCommands admin;
    final Map<String, FunctionEntry> functions = new LinkedHashMap<>();
    /** Every job by handle ({@link JobTable#oldestFirst} for admin order). */
    final JobTable jobs = new JobTable();
    final Map<Long, Peer> peers = new LinkedHashMap<>();
    private EventLoop loop;
    private ServerControl control;
    private long nextPeerId = 1;
    private long nextHandle = 1;
    private long sequence;
    private int runningJobs;
    private boolean draining;
    private boolean stopping;

    public ServerCore(ServerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.admin = new AdminCommands(this);
    }

    /** Connects the core to its loop and owner; once, before the first connection. */
    public void attach(EventLoop loop, ServerControl control) {
        this.loop = loop;
        this.control = control;
    }

    public EventLoop loop() {
        return loop;
    }

    /** The open connection numbered {@code id}, or {@code null}; loop thread (test kit fault injection). */
    public NioConnection connection(long id) {
        Peer p = peers.get(id);
        return p == null ? null : p.connection;
    }

    /** Stops or resumes accepting connections without unbinding; loop thread (test kit). */
    public void setAccepting(boolean accepting) {
        control.setAccepting(accepting);
    }

    ServerConfig config() {
        return config;
    }

    /** Adds an observer. Any thread; it sees events from the next loop turn on. */
    public void addEventListener(ServerEventListener listener) {
        eventListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeEventListener(ServerEventListener listener) {
        eventListeners.remove(listener);
    }

    // ---------------------------------------------------------------- connections

    @Override
    public ConnectionHandler accept(NioConnection connection) {
        connection.attach(new Peer(nextPeerId++, connection));
        return this;
    }

    /**
     * The connection is usable: at once for plain TCP, after the handshake under TLS (a failed
     * handshake never gets here, so the server never lists a connection it cannot talk to).
     */
    @Override
    public void onOpen(NioConnection connection) {
        Peer peer = (Peer) connection.attachment();
        peer.subject = config.subjectResolver().apply(connection);
        peers.put(peer.id, peer);
        if (LOG.isDebugEnabled()) {
            LOG.debug("connection {} opened from {}", peer.id, connection.remoteAddress());
        }
        if (hasListeners()) {
            emit(new ServerEvent.ConnectionOpened(peer.id, connection.remoteAddress(), peer.subject));
        }
    }

    @Override
    public void onClosed(NioConnection connection, String reason) {
        Peer peer = (Peer) connection.attachment();
        if (peer == null || peers.remove(peer.id) == null) {
            return;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("connection {} from {} closed: {}", peer.id, connection.remoteAddress(), reason);
        }
        if (hasListeners()) {
            emit(new ServerEvent.ConnectionClosed(peer.id, connection.remoteAddress(), reason));
        }
        if (stopping) {
            return; // the whole server is going; nothing to hand over
        }
        resetAbilities(peer);
        reportQueue(); // after the loop below as well; cheap, and the gauges must follow losses
        WorkerLossPolicy policy = config.workerLossPolicy();
        for (ServerJob job : peer.running.toList()) {
            detachFromWorker(job);
            requeueOrFail(job, "worker connection " + peer.id + " lost (" + reason + ")",
                    job.survivesClients() || policy.requeueForeground());
        }
        for (ServerJob job : peer.waitingFor.toList()) {
            job.removeListener(peer);
            if (job.listenerCount() == 0 && !job.survivesClients()
                    && (job.state == ServerJob.State.QUEUED || job.state == ServerJob.State.DELAYED)) {
                removeWaiting(job, "its only client (connection " + peer.id + ") disconnected", false);
            }
            // A running job keeps running; with no listener left, its results go nowhere.
        }
        peer.waitingFor.clear();
        reportQueue();
    }

    /** gear's statsd gauges: all jobs, running jobs, waiting jobs. */
    private void reportQueue() {
        StatsdReporter statsd = config.statsd();
        if (statsd != null) {
            statsd.queue(jobs.size(), runningJobs, jobs.size() - runningJobs);
        }
    }

    @Override
    public void onLine(NioConnection connection, String line) {
        Peer peer = (Peer) connection.attachment();
        if (hasListeners()) {
            emit(new ServerEvent.AdminCommand(peer.id, line));
        }
        connection.sendText(admin.execute(peer, line));
    }

    @Override
    public void onDecodeError(NioConnection connection, DecodeError error) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("bad input from {}: {} {}{}", connection.remoteAddress(), error.code(), error.message(),
                    error.fatal() ? " (closing)" : "");
        }
        if (error.code().equals("LINE_TOO_LONG")) { // the only error of a text frame
            connection.sendText("ERR " + error.code() + " " + AdminCommands.urlText(error.message()) + "\n");
        } else {
            connection.send(Packet.response(PacketType.ERROR, error.code(), error.message()));
        }
    }

    // ---------------------------------------------------------------- packets

    @Override
    public void onPacket(NioConnection connection, Packet packet) {
        StatsdReporter statsd = config.statsd();
        if (statsd == null) {
            handlePacket(connection, packet);
            return;
        }
        long start = System.nanoTime();
        handlePacket(connection, packet);
        statsd.packet(packet.type(), System.nanoTime() - start);
        switch (packet.type()) {
            case SUBMIT_JOB:
            case SUBMIT_JOB_BG:
            case SUBMIT_JOB_HIGH:
            case SUBMIT_JOB_HIGH_BG:
            case SUBMIT_JOB_LOW:
            case SUBMIT_JOB_LOW_BG:
            case SUBMIT_JOB_EPOCH:
            case GRAB_JOB:
            case GRAB_JOB_UNIQ:
            case GRAB_JOB_ALL:
            case WORK_COMPLETE:
            case WORK_FAIL:
            case WORK_EXCEPTION:
                reportQueue(); // gear updates the gauges on submit, grab and finish
                break;
            default:
                break;
        }
    }

    /** Reports a queue change made outside a packet (admin {@code cancel job}). */
    void queueChanged() {
        reportQueue();
    }

    private void handlePacket(NioConnection connection, Packet packet) {
        Peer peer = (Peer) connection.attachment();
        PacketType type = packet.type();
        if (packet.magic() != Magic.REQ) {
            error(peer, "INVALID_MAGIC", "Request magic expected: " + type
                    + " arrived with \\0RES magic, which only servers send; the packet was ignored");
            return;
        }
        switch (type) {
            case CAN_DO:
                if (nameFitsAdminLines(peer, "CAN_DO function name", packet.field(0),
                        "the function was not registered")) {
                    canDo(peer, packet.field(0), 0);
                }
                break;
            case CAN_DO_TIMEOUT:
                canDoTimeout(peer, packet);
                break;
            case CANT_DO:
                cantDo(peer, packet.field(0));
                break;
            case RESET_ABILITIES:
                resetAbilities(peer);
                break;
            case PRE_SLEEP:
                preSleep(peer);
                break;
            case SUBMIT_JOB:
            case SUBMIT_JOB_BG:
            case SUBMIT_JOB_HIGH:
            case SUBMIT_JOB_HIGH_BG:
            case SUBMIT_JOB_LOW:
            case SUBMIT_JOB_LOW_BG:
            case SUBMIT_JOB_EPOCH:
            case SUBMIT_REDUCE_JOB:
            case SUBMIT_REDUCE_JOB_BACKGROUND:
                submit(peer, packet);
                break;
            case GRAB_JOB:
            case GRAB_JOB_UNIQ:
            case GRAB_JOB_ALL:
                grab(peer, type);
                break;
            case WORK_STATUS:
            case WORK_COMPLETE:
            case WORK_FAIL:
            case WORK_EXCEPTION:
            case WORK_DATA:
            case WORK_WARNING:
                work(peer, packet);
                break;
            case GET_STATUS:
                getStatus(peer, packet.field(0));
                break;
            case GET_STATUS_UNIQUE:
                getStatusUnique(peer, packet.field(0));
                break;
            case ECHO_REQ:
                // Same body, no copy: a 64 MiB echo costs no second 64 MiB.
                peer.connection.send(PacketAccess.wrap(Magic.RES, PacketType.ECHO_RES, PacketAccess.body(packet)));
                break;
            case OPTION_REQ:
                option(peer, packet.fieldString(0));
                break;
            case SET_CLIENT_ID:
                if (nameFitsAdminLines(peer, "SET_CLIENT_ID id", packet.field(0), "the client id was not changed")) {
                    peer.clientId = packet.fieldString(0);
                }
                break;
            default:
                error(peer, "INVALID_COMMAND", "Command not expected: " + type
                        + (type.code() == 5 || type == PacketType.ALL_YOURS || type == PacketType.SUBMIT_JOB_SCHED
                                ? " is not implemented by Gearman servers"
                                : " is sent by servers, not to them"));
        }
    }

    private void canDo(Peer peer, byte[] name, int timeoutMillis) {
        String key = Bytes.key(name);
        if (!config.permissions().canRegister(peer.subject, Bytes.display(key))) {
            aclDenied(peer, "register", Bytes.display(key), "CAN_DO ignored");
            return;
        }
        FunctionEntry f = function(key);
        if (hasListeners()) {
            emit(new ServerEvent.CanDo(peer.id, f.displayName()));
        }
        if (peer.functions.merge(f, 1, Integer::sum) == 1) {
            peer.functionsChanged();
        }
        f.addWorker(peer);
        f.registrations++;
        if (timeoutMillis > 0) {
            peer.timeouts.put(f, timeoutMillis);
        } else {
            peer.timeouts.remove(f);
        }
        if (peer.sleeping && hasWorkFor(peer)) {
            wake(peer); // a sleeping worker that learns a function with work waiting should not sleep on
        }
    }

    private void canDoTimeout(Peer peer, Packet packet) {
        String text = new String(packet.field(1), StandardCharsets.ISO_8859_1).trim();
        long millis;
        try {
            millis = Long.parseLong(text);
        } catch (NumberFormatException e) {
            millis = -1;
        }
        if (millis < 0) {
            error(peer, "INVALID_ARGUMENTS", "CAN_DO_TIMEOUT needs a timeout in milliseconds (0 for none), got '"
                    + text + "'; the function was not registered");
            return;
        }
        if (!nameFitsAdminLines(peer, "CAN_DO_TIMEOUT function name", packet.field(0),
                "the function was not registered")) {
            return;
        }
        // gearmand: milliseconds, at least one second.
        int timeout = millis == 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(1000, millis));
        canDo(peer, packet.field(0), timeout);
    }

    private void cantDo(Peer peer, byte[] name) {
        FunctionEntry f = functions.get(Bytes.key(name));
        if (f != null) {
            unregister(peer, f);
        }
    }

    private void resetAbilities(Peer peer) {
        for (FunctionEntry f : new ArrayList<>(peer.functions.keySet())) {
            unregister(peer, f);
        }
    }

    private void unregister(Peer peer, FunctionEntry f) {
        Integer count = peer.functions.remove(f);
        if (count != null) {
            f.registrations -= count;
            f.removeWorker(peer);
            peer.functionsChanged();
            if (hasListeners()) {
                emit(new ServerEvent.CantDo(peer.id, f.displayName()));
            }
        }
        peer.timeouts.remove(f);
    }

    private void preSleep(Peer peer) {
        peer.sleeping = true;
        if (hasWorkFor(peer)) {
            wake(peer);
        }
    }

    private boolean hasWorkFor(Peer peer) {
        if (draining) {
            return false;
        }
        for (FunctionEntry f : peer.functionArray()) {
            if (f.totalQueued() > 0) {
                return true;
            }
        }
        return false;
    }

    private void wake(Peer peer) {
        peer.sleeping = false;
        peer.connection.send(Packet.response(PacketType.NOOP));
    }

    /** NOOP to every sleeping worker of {@code f}: each sleep earns at most one. */
    private void wakeWorkers(FunctionEntry f) {
        for (Peer w : f.workerArray()) {
            if (w.sleeping) {
                wake(w);
            }
        }
    }

    private void option(Peer peer, String name) {
        if (name.equals("exceptions")) {
            peer.exceptions = true;
            peer.connection.send(Packet.response(PacketType.OPTION_RES, "exceptions"));
        } else {
            error(peer, "UNKNOWN_OPTION",
                    "Server does not recognize given option '" + name + "'; the only option is 'exceptions'");
        }
    }

    // ---------------------------------------------------------------- submitting

    /**
     * SUBMIT_*: the hot path of background enqueue. The fields are read from the packet's body in
     * place; what is kept is one copy of the data (and of a non-empty unique) and the job itself;
     * the reply is one array written straight to the connection.
     */
    private void submit(Peer peer, Packet packet) {
        PacketType type = packet.type();
        byte[] body = PacketAccess.body(packet);
        int nameEnd = WireBytes.indexOfNul(body, 0);
        int uniqueEnd = nameEnd < 0 ? -1 : WireBytes.indexOfNul(body, nameEnd + 1);
        if (uniqueEnd < 0) {
            packet.field(0); // not from the decoder: throws its InvalidDataException
        }
        int dataStart = uniqueEnd + 1;
        for (int i = 2; i < type.argumentCount(); i++) {
            dataStart = WireBytes.indexOfNul(body, dataStart) + 1;
        }
        Precedence precedence = Precedence.NORMAL;
        boolean background = false;
        byte[] reducer = null;
        long notBefore = 0;
        switch (type) {
            case SUBMIT_JOB_BG:
                background = true;
                break;
            case SUBMIT_JOB_HIGH:
                precedence = Precedence.HIGH;
                break;
            case SUBMIT_JOB_HIGH_BG:
                precedence = Precedence.HIGH;
                background = true;
                break;
            case SUBMIT_JOB_LOW:
                precedence = Precedence.LOW;
                break;
            case SUBMIT_JOB_LOW_BG:
                precedence = Precedence.LOW;
                background = true;
                break;
            case SUBMIT_JOB_EPOCH:
                background = true;
                String when = new String(packet.field(2), StandardCharsets.ISO_8859_1).trim();
                try {
                    notBefore = Math.multiplyExact(Long.parseLong(when), 1000L);
                } catch (NumberFormatException e) {
                    error(peer, "INVALID_ARGUMENTS",
                            "SUBMIT_JOB_EPOCH needs the time as seconds since the epoch, got '" + when + "'");
                    return;
                } catch (ArithmeticException e) {
                    error(peer, "INVALID_ARGUMENTS", "SUBMIT_JOB_EPOCH time " + when
                            + " is too far in the future: its milliseconds do not fit in 64 bits; no job was created");
                    return;
                }
                break;
            case SUBMIT_REDUCE_JOB_BACKGROUND:
                background = true;
                reducer = packet.field(2); // the aggregator (field 3) is ignored, as by gearmand
                break;
            case SUBMIT_REDUCE_JOB:
                reducer = packet.field(2);
                break;
            default:
                break;
        }
        if (draining) {
            error(peer, "SHUTDOWN_GRACEFUL", "Server is shutting down gracefully and accepts no new jobs");
            return;
        }
        int uniqueLength = uniqueEnd - nameEnd - 1;
        if (uniqueLength > config.maxUniqueLength()) {
            error(peer, "ARGUMENT_TOO_LARGE", "Unique value too large: " + uniqueLength
                    + " bytes, the limit is " + config.maxUniqueLength());
            return;
        }
        if (!nameFitsAdminLines(peer, type, " function name", body, 0, nameEnd, "no job was created")
                || !nameFitsAdminLines(peer, type, " unique", body, nameEnd + 1, uniqueEnd, "no job was created")) {
            return;
        }
        FunctionEntry f = submittedFunction(peer, body, nameEnd);
        if (f == null) {
            return; // refused by the ACL
        }
        byte[] unique = uniqueLength == 0 ? ServerJob.NO_BYTES : Arrays.copyOfRange(body, nameEnd + 1, uniqueEnd);
        int dataLength = body.length - dataStart;
        // A large payload stays in the body it arrived in (name and unique are a small part of it):
        // no copy now, and none into the JOB_ASSIGN. Not for unique "-" (the data is then the
        // coalescing key, an array of its own) nor for SUBMIT_JOB_EPOCH and the reduce forms,
        // whose bodies hold more fields before the data.
        boolean inBody = dataLength >= ServerJob.SHARE_MIN && type.argumentCount() == 2
                && !(uniqueLength == 1 && body[nameEnd + 1] == '-');
        byte[] data = inBody ? body : dataLength == 0 ? ServerJob.NO_BYTES
                : Arrays.copyOfRange(body, dataStart, body.length);
        // gearmand: unique "-" means "the payload is the unique"; an empty unique never coalesces.
        byte[] uniqueKey = ServerJob.uniqueKeyOf(unique, data);
        ServerJob existing = uniqueKey == null ? null : f.byUnique.get(uniqueKey);
        if (existing != null) {
            if (background) {
                existing.backgroundAttached = true;
            } else {
                existing.addListener(peer);
                peer.waitingFor.add(existing);
            }
            sendJobCreated(peer, existing);
            if (hasListeners()) {
                emit(new ServerEvent.JobSubmitted(existing.handle(), f.displayName(), utf8(unique),
                        inBody ? Arrays.copyOfRange(body, dataStart, body.length) : data, precedence, background, true,
                        peer.id));
            }
            return;
        }
        int rank = FunctionEntry.rank(precedence);
        int limit = f.maxQueue[rank];
        if (limit > 0 && f.queued[rank] + f.running[rank] >= limit) {
            error(peer, "QUEUE_ERROR", "Job queue is full: " + f.displayName() + " holds " + limit + " "
                    + precedence + " jobs, its maxqueue");
            return;
        }
        ServerJob job = new ServerJob(handlePrefix(peer), nextHandle++, f, unique, data, inBody, precedence,
                background, reducer, peer);
        jobs.add(job);
        if (uniqueKey != null) {
            f.byUnique.add(job);
        }
        if (!background) {
            job.addListener(peer);
            peer.waitingFor.add(job);
        }
        long delay = notBefore > 0 ? notBefore - System.currentTimeMillis() : 0;
        if (delay > 0) {
            job.state = ServerJob.State.DELAYED;
            job.notBeforeMillis = notBefore;
            f.delayed++;
            job.timer = loop.schedule(Duration.ofMillis(delay), () -> release(job));
        } else {
            enqueue(job);
        }
        // After the queueing, as gearmand does: a sleeping worker's NOOP is queued (and flushed)
        // before the JOB_CREATED, because the worker's grab is on the job's critical path and the
        // client's JOB_CREATED is not.
        sendJobCreated(peer, job);
        if (hasListeners()) {
            // After JOB_CREATED: observers (the test kit's faults "after JOB_CREATED") see an answered submission.
            emit(new ServerEvent.JobSubmitted(job.handle(), f.displayName(), utf8(unique), job.data(), precedence,
                    background, false, peer.id));
        }
    }

    /**
     * The function named {@code body[0, nameEnd)} after the ACL check, or null (refused, and
     * answered). A connection submitting to the function it used last costs one byte comparison.
     */
    private FunctionEntry submittedFunction(Peer peer, byte[] body, int nameEnd) {
        FunctionEntry f = peer.lastFunction;
        boolean allowAll = config.permissions() == PermissionPolicy.ALLOW_ALL;
        if (allowAll && f != null && !f.dropped && f.hasName(body, 0, nameEnd)) {
            return f;
        }
        String key = Bytes.key(Arrays.copyOf(body, nameEnd));
        if (!allowAll && !config.permissions().canInvoke(peer.subject, Bytes.display(key))) {
            aclDenied(peer, "invoke", Bytes.display(key), "SUBMIT_* answered ERROR 0, no job created");
            error(peer, "0", "Permission denied by ACL");
            return null;
        }
        f = function(key);
        peer.lastFunction = f;
        return f;
    }

    /** {@code H:<ip>:} (or the configured prefix and {@code :}), made once per connection. */
    private byte[] handlePrefix(Peer peer) {
        byte[] prefix = peer.handlePrefix;
        if (prefix == null) {
            prefix = Bytes.fromKey((config.handlePrefix() != null ? config.handlePrefix() : "H:" + peer.ip()) + ":");
            peer.handlePrefix = prefix;
        }
        return prefix;
    }

    private static void sendJobCreated(Peer peer, ServerJob job) {
        byte[] frame = Frames.header(PacketType.JOB_CREATED, job.handleLength());
        job.writeHandle(frame, Packet.HEADER_LENGTH);
        peer.connection.sendBytes(frame);
    }

    private void release(ServerJob job) {
        if (job.state == ServerJob.State.DELAYED) {
            job.timer = null;
            job.function.delayed--;
            enqueue(job);
        }
    }

    private void enqueue(ServerJob job) {
        job.state = ServerJob.State.QUEUED;
        job.sequence = ++sequence;
        job.function.enqueue(job);
        if (!draining) {
            wakeWorkers(job.function);
        }
    }

    FunctionEntry function(String key) {
        FunctionEntry f = functions.get(key);
        if (f == null) {
            f = new FunctionEntry(key);
            functions.put(key, f);
        }
        return f;
    }

    /** {@code drop function}: gone for good, so no connection's cached lookup may return it. */
    void dropFunction(FunctionEntry f) {
        functions.remove(f.name);
        f.dropped = true;
    }

    // ---------------------------------------------------------------- grabbing

    private void grab(Peer peer, PacketType type) {
        peer.sleeping = false; // a worker that grabs is awake
        ServerJob job = draining ? null : nextJobFor(peer);
        if (job == null) {
            peer.connection.send(Packet.response(PacketType.NO_JOB));
            return;
        }
        FunctionEntry f = job.function;
        f.take(job);
        f.running[job.rank]++;
        runningJobs++;
        job.state = ServerJob.State.RUNNING;
        job.worker = peer;
        peer.running.add(job);
        Integer timeout = peer.timeouts.isEmpty() ? null : peer.timeouts.get(f);
        if (timeout != null) {
            job.timer = loop.schedule(Duration.ofMillis(timeout), () -> timedOut(job, peer, timeout));
        }
        sendAssign(peer.connection, job, type);
        if (hasListeners()) {
            emit(new ServerEvent.JobAssigned(job.handle(), f.displayName(), peer.id));
        }
    }

    /**
     * JOB_ASSIGN (GRAB_JOB), JOB_ASSIGN_ALL (GRAB_JOB_ALL of a reduce job) or JOB_ASSIGN_UNIQ, as one
     * frame; a large payload is not copied into it but queued after the frame's head from the job's
     * own array, where it lies since the SUBMIT arrived.
     */
    private static void sendAssign(NioConnection connection, ServerJob job, PacketType grab) {
        byte[] name = job.function.nameBytes;
        PacketType type = grab == PacketType.GRAB_JOB ? PacketType.JOB_ASSIGN
                : grab == PacketType.GRAB_JOB_ALL && job.reducer != null ? PacketType.JOB_ASSIGN_ALL
                : PacketType.JOB_ASSIGN_UNIQ;
        int headLength = job.handleLength() + 1 + name.length + 1;
        if (type != PacketType.JOB_ASSIGN) {
            headLength += job.unique.length + 1;
        }
        if (type == PacketType.JOB_ASSIGN_ALL) {
            headLength += job.reducer.length + 1;
        }
        int dataOffset = job.dataOffset();
        int dataLength = job.dataArray.length - dataOffset;
        boolean separate = dataLength >= ServerJob.SHARE_MIN;
        byte[] frame = Frames.header(type, headLength + dataLength,
                Packet.HEADER_LENGTH + headLength + (separate ? 0 : dataLength));
        int at = job.writeHandle(frame, Packet.HEADER_LENGTH) + 1; // each field ends in NUL, already 0
        at = Frames.put(frame, at, name) + 1;
        if (type != PacketType.JOB_ASSIGN) {
            at = Frames.put(frame, at, job.unique) + 1;
        }
        if (type == PacketType.JOB_ASSIGN_ALL) {
            at = Frames.put(frame, at, job.reducer) + 1;
        }
        if (separate) {
            connection.sendBytes(frame, job.dataArray, dataOffset, dataLength);
        } else {
            System.arraycopy(job.dataArray, dataOffset, frame, at, dataLength);
            connection.sendBytes(frame);
        }
    }

    /** Across the worker's functions, the oldest job of the highest priority. */
    private ServerJob nextJobFor(Peer peer) {
        for (int rank = 0; rank < 3; rank++) {
            ServerJob best = null;
            for (FunctionEntry f : peer.functionArray()) {
                ServerJob head = f.peek(rank);
                if (head != null && (best == null || head.sequence < best.sequence)) {
                    best = head;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return null;
    }

    private void timedOut(ServerJob job, Peer worker, int timeout) {
        if (job.state != ServerJob.State.RUNNING || job.worker != worker) {
            return;
        }
        job.timer = null;
        detachFromWorker(job);
        // gearmand requeues on CAN_DO_TIMEOUT whatever the disconnect policy; the worker's later
        // WORK_* for this job then get JOB_NOT_FOUND.
        requeueOrFail(job, "CAN_DO_TIMEOUT of " + timeout + " ms expired on connection " + worker.id, true);
    }

    private void detachFromWorker(ServerJob job) {
        job.cancelTimer();
        job.worker.running.remove(job);
        job.worker = null;
        job.function.running[job.rank]--;
        runningJobs--;
    }

    private void requeueOrFail(ServerJob job, String reason, boolean requeue) {
        if (requeue && config.workerLossPolicy().allowsRetry(job.retries)) {
            job.retries++;
            LOG.info("job {} requeued (retry {}): {}", job.handle(), job.retries, reason);
            enqueue(job);
            if (hasListeners()) {
                emit(new ServerEvent.JobRequeued(job.handle(), job.retries, reason));
            }
        } else {
            String why = requeue ? reason + "; retry limit " + config.workerLossPolicy().maxRetries() + " reached"
                    : reason;
            if (job.survivesClients()) {
                LOG.warn("background job {} dropped: {}", job.handle(), why);
            }
            sendToListeners(job, Packet.response(PacketType.WORK_FAIL, job.handleBytes()));
            if (hasListeners()) {
                emit(new ServerEvent.JobFailed(job.handle(), why));
            }
            forget(job);
        }
        checkDrained();
    }

    // ---------------------------------------------------------------- work results

    private void work(Peer peer, Packet packet) {
        PacketType type = packet.type();
        byte[] body = PacketAccess.body(packet);
        int handleEnd = type.requiredSeparators() == 0 ? body.length : WireBytes.indexOfNul(body, 0);
        if (handleEnd < 0) {
            packet.field(0); // not from the decoder: throws its InvalidDataException
        }
        ServerJob job = jobs.find(body, 0, handleEnd);
        if (job == null || job.state != ServerJob.State.RUNNING || job.worker != peer) {
            error(peer, "JOB_NOT_FOUND", jobNotFoundText(type) + ": " + Bytes.display(Bytes.key(packet.field(0)))
                    + (job == null ? " is not a job on this server" : " is not assigned to this connection"));
            return;
        }
        Forward forward = new Forward(packet);
        boolean observe = hasListeners();
        switch (type) {
            case WORK_STATUS:
                if (WireBytes.containsNul(packet.field(2))) {
                    // The denominator is WORK_STATUS's last field, so NULs reach it; STATUS_RES_UNIQUE
                    // repeats it before the client count, where a NUL would end it early.
                    error(peer, "INVALID_ARGUMENTS", "WORK_STATUS denominator contains a NUL byte; "
                            + "GET_STATUS_UNIQUE could not report it; the status was neither stored nor forwarded");
                    return;
                }
                job.numerator = Bytes.key(packet.field(1));
                job.denominator = Bytes.key(packet.field(2));
                sendToListeners(job, forward);
                if (observe) {
                    emit(new ServerEvent.WorkStatus(job.handle(), Bytes.display(job.numerator),
                            Bytes.display(job.denominator)));
                }
                break;
            case WORK_DATA:
                sendToListeners(job, forward);
                if (observe) {
                    emit(new ServerEvent.WorkData(job.handle(), packet.data()));
                }
                break;
            case WORK_WARNING:
                sendToListeners(job, forward);
                if (observe) {
                    emit(new ServerEvent.WorkWarning(job.handle(), packet.data()));
                }
                break;
            case WORK_COMPLETE:
                sendToListeners(job, forward);
                if (observe) {
                    emit(new ServerEvent.JobCompleted(job.handle(), packet.data()));
                }
                finish(job);
                break;
            case WORK_FAIL:
                sendToListeners(job, forward);
                if (observe) {
                    emit(new ServerEvent.JobFailed(job.handle(), "worker sent WORK_FAIL"));
                }
                finish(job);
                break;
            case WORK_EXCEPTION:
                boolean toAll = config.exceptionForwarding() == ExceptionForwarding.ALL_CLIENTS;
                Packet fail = toAll ? null : Packet.response(PacketType.WORK_FAIL, job.handleBytes());
                for (int i = 0; i < job.listenerCount(); i++) {
                    Peer listener = job.listener(i);
                    if (toAll || listener.exceptions) {
                        forward.sendTo(listener);
                    } else {
                        listener.connection.send(fail);
                    }
                }
                if (observe) {
                    emit(new ServerEvent.JobException(job.handle(), packet.data()));
                }
                finish(job);
                break;
            default:
                throw new AssertionError(type);
        }
    }

    /** gearmand's texts, so tools that match on them keep working; we add the handle and why. */
    private static String jobNotFoundText(PacketType type) {
        switch (type) {
            case WORK_DATA:
            case WORK_WARNING:
                return "Job does not exist on server";
            case WORK_EXCEPTION:
                return "An exception was received for a job that does not exist";
            default:
                return "Job given in work result not found";
        }
    }

    private void sendToListeners(ServerJob job, Packet packet) {
        for (int i = 0; i < job.listenerCount(); i++) {
            job.listener(i).connection.send(packet);
        }
    }

    private static void sendToListeners(ServerJob job, Forward forward) {
        for (int i = 0; i < job.listenerCount(); i++) {
            forward.sendTo(job.listener(i));
        }
    }

    /**
     * A worker's WORK_* packet passed on to clients under RES magic. A small body is copied once
     * into a whole frame (one array however many clients get it); a large one is sent as a packet
     * sharing the received body, so a 16 MiB result is never copied.
     */
    private static final class Forward {
        private static final int COPY_LIMIT = 4096;
        private final Packet packet;
        private byte[] frame;
        private Packet large;

        Forward(Packet packet) {
            this.packet = packet;
        }

        void sendTo(Peer listener) {
            byte[] body = PacketAccess.body(packet);
            if (body.length <= COPY_LIMIT) {
                if (frame == null) {
                    frame = Frames.header(packet.type(), body.length);
                    Frames.put(frame, Packet.HEADER_LENGTH, body);
                }
                listener.connection.sendBytes(frame);
            } else {
                if (large == null) {
                    large = packet.withMagic(Magic.RES);
                }
                listener.connection.send(large);
            }
        }
    }

    private void finish(ServerJob job) {
        detachFromWorker(job);
        forget(job);
        checkDrained();
    }

    /** Removes every trace of a job that is no longer queued or running. */
    private void forget(ServerJob job) {
        job.state = ServerJob.State.DONE;
        job.cancelTimer();
        jobs.remove(job);
        if (job.uniqueKey() != null) {
            job.function.byUnique.remove(job);
        }
        for (int i = 0; i < job.listenerCount(); i++) {
            job.listener(i).waitingFor.remove(job);
        }
        job.clearListeners();
    }

    /** Takes a queued or held job away; its clients get WORK_FAIL when {@code tellClients}. */
    private void removeWaiting(ServerJob job, String reason, boolean tellClients) {
        if (job.state == ServerJob.State.QUEUED) {
            job.function.removeQueued(job);
        } else if (job.state == ServerJob.State.DELAYED) {
            job.function.delayed--;
        } else {
            throw new IllegalStateException(job + " is not waiting");
        }
        if (tellClients) {
            sendToListeners(job, Packet.response(PacketType.WORK_FAIL, job.handleBytes()));
        }
        if (hasListeners()) {
            emit(new ServerEvent.JobCancelled(job.handle(), reason));
        }
        forget(job);
    }

    /** {@code cancel job}: true when the job was waiting and is now gone. */
    boolean cancel(ServerJob job) {
        if (job.state != ServerJob.State.QUEUED && job.state != ServerJob.State.DELAYED) {
            return false;
        }
        removeWaiting(job, "cancelled by admin command", true);
        return true;
    }

    private void getStatus(Peer peer, byte[] handle) {
        if (WireBytes.containsNul(handle)) {
            // STATUS_RES repeats the handle as a NUL-terminated field, so it cannot carry this one;
            // and no job has such a handle (ours never contain NUL, and SUBMIT_* could not send one).
            error(peer, "INVALID_ARGUMENTS", "GET_STATUS handle contains a NUL byte; no job has such a handle");
            return;
        }
        ServerJob job = jobs.find(handle);
        peer.connection.send(Packet.response(PacketType.STATUS_RES, handle, flag(job != null),
                flag(job != null && job.state == ServerJob.State.RUNNING),
                Bytes.fromKey(job == null ? "0" : job.numerator), Bytes.fromKey(job == null ? "0" : job.denominator)));
    }

    private void getStatusUnique(Peer peer, byte[] unique) {
        if (WireBytes.containsNul(unique)) {
            // As for GET_STATUS: unsendable in STATUS_RES_UNIQUE, and SUBMIT_* uniques end at their NUL.
            error(peer, "INVALID_ARGUMENTS", "GET_STATUS_UNIQUE unique contains a NUL byte; no job has such a unique");
            return;
        }
        // gearmand searches across all functions and takes the first match.
        ServerJob job = null;
        for (FunctionEntry f : functions.values()) {
            job = f.byUnique.get(unique);
            if (job != null) {
                break;
            }
        }
        peer.connection.send(Packet.response(PacketType.STATUS_RES_UNIQUE, unique, flag(job != null),
                flag(job != null && job.state == ServerJob.State.RUNNING),
                Bytes.fromKey(job == null ? "0" : job.numerator), Bytes.fromKey(job == null ? "0" : job.denominator),
                ascii(job == null ? 0 : job.listenerCount())));
    }

    // ---------------------------------------------------------------- lifecycle

    /** {@code shutdown [graceful]}, or the API's: graceful waits for running jobs. */
    public void shutdown(boolean graceful) {
        if (stopping) {
            return;
        }
        if (!graceful) {
            stop();
            return;
        }
        if (!draining) {
            LOG.info("graceful shutdown: no new connections or jobs; waiting for {} running job(s)", runningJobs);
            draining = true;
            control.stopAccepting();
        }
        checkDrained();
    }

    private void checkDrained() {
        if (draining && runningJobs == 0 && !stopping) {
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

    // ---------------------------------------------------------------- snapshots

    /** An immutable picture of the state; loop thread only. */
    public ServerSnapshot snapshot() {
        return Snapshots.of(this);
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Function names, client ids and uniques are printed in the text admin replies ({@code status},
     * {@code prioritystatus}, {@code workers}, {@code show unique jobs}), one record per line. A line
     * feed, carriage return or NUL cannot be written there without breaking the line format for
     * every admin reader, so such a value is refused with ERROR {@code INVALID_ARGUMENTS} instead of
     * being stored; the connection goes on. Tabs and spaces stay allowed, as in gearmand.
     */
    private boolean nameFitsAdminLines(Peer peer, String what, byte[] value, String consequence) {
        return nameFitsAdminLines(peer, null, what, value, 0, value.length, consequence);
    }

    /** The same for {@code value[from, to)}; the text names {@code type} (when not null) before {@code what}. */
    private boolean nameFitsAdminLines(Peer peer, PacketType type, String what, byte[] value, int from, int to,
            String consequence) {
        for (int i = from; i < to; i++) {
            byte b = value[i];
            if (b == '\n' || b == '\r' || b == 0) {
                String which = b == '\n' ? "a line feed (\\n)" : b == '\r' ? "a carriage return (\\r)" : "a NUL byte";
                error(peer, "INVALID_ARGUMENTS", (type == null ? "" : type.toString()) + what + " contains " + which
                        + " at byte " + (i - from) + "; admin replies list it on one line, so it is refused; "
                        + consequence);
                return false;
            }
        }
        return true;
    }

    /**
     * Every refusal by the ACL goes through here, so each one is on record: an INFO line in the
     * server's log and an {@link ServerEvent.AclDenied} event (the test kit's journal).
     */
    void aclDenied(Peer peer, String action, String target, String consequence) {
        LOG.info("ACL: {} (subject {}) may not {} {}; {}", peer, peer.subject, action, target, consequence);
        if (hasListeners()) {
            emit(new ServerEvent.AclDenied(peer.id, peer.subject, action, target));
        }
    }

    private void error(Peer peer, String code, String text) {
        peer.connection.send(Packet.response(PacketType.ERROR, code, text));
    }

    private boolean hasListeners() {
        return !eventListeners.isEmpty();
    }

    private void emit(ServerEvent event) {
        for (ServerEventListener l : eventListeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                LOG.error("server event listener {} failed on {}", l, event, e);
            }
        }
    }

    Collection<Peer> peers() {
        return peers.values();
    }

    private static byte[] flag(boolean value) {
        return new byte[] {(byte) (value ? '1' : '0')};
    }

    private static byte[] ascii(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
