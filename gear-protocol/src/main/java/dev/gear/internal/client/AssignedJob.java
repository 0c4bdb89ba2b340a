package dev.gear.internal.client;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.codec.PacketAccess;
import dev.gear.internal.codec.WireBytes;
import dev.gear.internal.transport.NioConnection;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A job a server assigned to this worker, tied to the very socket it came on: results must go
 * back on that socket, and once it is gone (even if the server was reconnected since) the server
 * has requeued or failed the job, so sending is refused with a ConnectionException.
 *
 * <p>Keeps the JOB_ASSIGN body as it arrived and the bounds of its fields: each field is copied
 * out (or decoded) only when asked for, and results are built straight from the handle's bytes.
 */
public final class AssignedJob {
    private static final byte[] EMPTY = new byte[0];

    private final byte[] body;
    private final int handleEnd;
    private final int nameStart;
    private final int nameEnd;
    private final int uniqueStart;
    private final int uniqueEnd;
    private final int argumentsStart;
    private final ServerLink<?> server;
    private final NioConnection socket;
    /** A WORK_COMPLETE, WORK_FAIL or WORK_EXCEPTION was sent (or tried): the job is over for us. */
    private volatile boolean ended;

    private AssignedJob(byte[] body, int handleEnd, int nameStart, int nameEnd, int uniqueStart, int uniqueEnd,
            int argumentsStart, ServerLink<?> server, NioConnection socket) {
        this.body = body;
        this.handleEnd = handleEnd;
        this.nameStart = nameStart;
        this.nameEnd = nameEnd;
        this.uniqueStart = uniqueStart;
        this.uniqueEnd = uniqueEnd;
        this.argumentsStart = argumentsStart;
        this.server = server;
        this.socket = socket;
    }

    /**
     * From JOB_ASSIGN (handle, name, arguments), JOB_ASSIGN_UNIQ (handle, name, unique, arguments)
     * or JOB_ASSIGN_ALL (the arguments are its last field). The decoder checked the separators.
     */
    static AssignedJob from(Packet packet, ServerLink<?> server, NioConnection socket) {
        byte[] body = PacketAccess.body(packet); // owned by the packet, which is not kept: never modified
        int handleEnd = nul(body, 0);
        int nameStart = handleEnd + 1;
        int nameEnd = nul(body, nameStart);
        int uniqueStart = nameEnd;
        int uniqueEnd = nameEnd;
        if (packet.type() != PacketType.JOB_ASSIGN) {
            uniqueStart = nameEnd + 1;
            uniqueEnd = nul(body, uniqueStart);
        }
        int argumentsStart = uniqueEnd + 1;
        for (int i = 3; i < packet.type().argumentCount(); i++) { // JOB_ASSIGN_ALL's reducer
            argumentsStart = nul(body, argumentsStart) + 1;
        }
        return new AssignedJob(body, handleEnd, nameStart, nameEnd, uniqueStart, uniqueEnd,
                Math.min(argumentsStart, body.length), server, socket);
    }

    /** Where the field starting at {@code from} ends: at its NUL, or at the end of the body. */
    private static int nul(byte[] body, int from) {
        int at = WireBytes.indexOfNul(body, from);
        return at < 0 ? body.length : at;
    }

    public byte[] handle() {
        return Arrays.copyOf(body, handleEnd);
    }

    public String handleString() {
        return new String(body, 0, handleEnd, StandardCharsets.UTF_8);
    }

    public byte[] name() {
        return Arrays.copyOfRange(body, nameStart, nameEnd);
    }

    public String nameString() {
        return new String(body, nameStart, nameEnd - nameStart, StandardCharsets.UTF_8);
    }

    /** Empty when the server sent none. A fresh copy. */
    public byte[] unique() {
        return uniqueStart == uniqueEnd ? EMPTY : Arrays.copyOfRange(body, uniqueStart, uniqueEnd);
    }

    public boolean hasUnique() {
        return uniqueStart != uniqueEnd;
    }

    public String uniqueString() {
        return new String(body, uniqueStart, uniqueEnd - uniqueStart, StandardCharsets.UTF_8);
    }

    /** A fresh copy of the arguments. */
    public byte[] arguments() {
        return Arrays.copyOfRange(body, argumentsStart, body.length);
    }

    public String argumentsString() {
        return new String(body, argumentsStart, body.length - argumentsStart, StandardCharsets.UTF_8);
    }

    public ServerLink<?> server() {
        return server;
    }

    boolean isLive() {
        return server.isCurrent(socket);
    }

    /** Whether a WORK_COMPLETE, WORK_FAIL or WORK_EXCEPTION was sent for this job (or tried). */
    public boolean isEnded() {
        return ended;
    }

    /** Sends a WORK_* packet: this job's handle, then {@code fields} NUL-separated. Any thread. */
    public void send(PacketType type, byte[]... fields) {
        if (type == PacketType.WORK_COMPLETE || type == PacketType.WORK_FAIL || type == PacketType.WORK_EXCEPTION) {
            ended = true;
        }
        int length = handleEnd;
        for (byte[] f : fields) {
            length += 1 + f.length;
        }
        // The body is built here, in the caller's thread, so the caller may reuse its arrays at once.
        byte[] out = new byte[length];
        System.arraycopy(body, 0, out, 0, handleEnd);
        int pos = handleEnd;
        for (byte[] f : fields) {
            out[pos++] = 0;
            System.arraycopy(f, 0, out, pos, f.length);
            pos += f.length;
        }
        server.sendFromAnyThread(PacketAccess.wrap(Magic.REQ, type, out), socket);
    }
}
