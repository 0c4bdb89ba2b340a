package dev.gear.internal.client;

import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.transport.NioConnection;

/**
 * A job a server assigned to this worker, tied to the very socket it came on: results must go
 * back on that socket, and once it is gone (even if the server was reconnected since) the server
 * has requeued or failed the job, so sending is refused with a ConnectionException.
 */
public final class AssignedJob {
    private final byte[] handle;
    private final byte[] name;
    private final byte[] unique;
    private final byte[] arguments;
    private final ServerConnection server;
    private final NioConnection socket;

    AssignedJob(byte[] handle, byte[] name, byte[] unique, byte[] arguments, ServerConnection server,
            NioConnection socket) {
        this.handle = handle;
        this.name = name;
        this.unique = unique;
        this.arguments = arguments;
        this.server = server;
        this.socket = socket;
    }

    public byte[] handle() {
        return handle;
    }

    public byte[] name() {
        return name;
    }

    /** Empty when the server sent none. */
    public byte[] unique() {
        return unique;
    }

    public byte[] arguments() {
        return arguments;
    }

    public ServerConnection server() {
        return server;
    }

    boolean isLive() {
        return server.isCurrent(socket);
    }

    /** Sends a WORK_* packet whose first field is this job's handle. Any thread. */
    public void send(PacketType type, byte[]... rest) {
        byte[][] fields = new byte[rest.length + 1][];
        fields[0] = handle;
        System.arraycopy(rest, 0, fields, 1, rest.length);
        server.sendFromAnyThread(Packet.request(type, fields), socket);
    }
}
