package dev.gear.it.support;

import dev.gear.Packet;
import dev.gear.PacketType;
import java.util.ArrayList;
import java.util.List;

/**
 * The raw connections of one scenario: opens them against a server and closes them all at the end,
 * plus the few protocol steps nearly every scenario repeats (register, submit, grab).
 */
public final class Peers implements AutoCloseable {
    private final ServerUnderTest server;
    private final List<RawConnection> open = new ArrayList<>();

    public Peers(ServerUnderTest server) {
        this.server = server;
    }

    /** A new connection, closed by {@link #close()}. */
    public RawConnection connect() {
        RawConnection connection = RawConnection.open(server);
        open.add(connection);
        return connection;
    }

    /** A new connection that has sent CAN_DO for each function (no reply is expected to CAN_DO). */
    public RawConnection worker(String... functions) {
        RawConnection worker = connect();
        for (String f : functions) {
            worker.send(PacketType.CAN_DO, f);
        }
        return worker;
    }

    /** Sends a SUBMIT_* packet and returns the handle from the JOB_CREATED that must answer it. */
    public static String submit(RawConnection client, PacketType submitType, String function, String unique,
            String data) {
        client.send(submitType, function, unique, data);
        return client.expectPacket(PacketType.JOB_CREATED).fieldString(0);
    }

    /** Sends GRAB_JOB_UNIQ and returns the JOB_ASSIGN_UNIQ that must answer it. */
    public static Packet grabUniq(RawConnection worker) {
        worker.send(Packet.request(PacketType.GRAB_JOB_UNIQ));
        return worker.expectPacket(PacketType.JOB_ASSIGN_UNIQ);
    }

    /** Sends GRAB_JOB_UNIQ and asserts the answer is NO_JOB. */
    public static void expectNoJob(RawConnection worker) {
        worker.send(Packet.request(PacketType.GRAB_JOB_UNIQ));
        worker.expectPacket(PacketType.NO_JOB);
    }

    @Override
    public void close() {
        open.forEach(RawConnection::close);
        open.clear();
    }
}
