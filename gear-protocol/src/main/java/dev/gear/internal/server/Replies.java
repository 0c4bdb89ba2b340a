package dev.gear.internal.server;

import dev.gear.Magic;
import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.internal.codec.PacketAccess;
import dev.gear.internal.transport.NioConnection;
import java.nio.charset.StandardCharsets;

/**
 * Every frame the server writes, in one place: to learn what JOB_ASSIGN or STATUS_RES looks like
 * on the wire, read this class.
 *
 * <p>No payload is copied here: the loop copies every queued item once, into its write buffer.
 * JOB_CREATED is one small array, header and handle ({@link Frames}); a JOB_ASSIGN* is its head
 * (header, handle, name, ...) followed by the job's data queued from the array it lies in; a
 * forwarded WORK_* is one RES {@link Packet} sharing the body the worker's frame arrived in, for
 * every waiting client; an ECHO_RES shares the request's body. Loop thread only.
 */
final class Replies {
    private static final Packet NOOP = Packet.response(PacketType.NOOP);
    private static final Packet NO_JOB = Packet.response(PacketType.NO_JOB);

    private Replies() {
    }

    static void error(Peer peer, String code, String text) {
        peer.out.send(Packet.response(PacketType.ERROR, code, text));
    }

    /** An admin reply, line end(s) included. */
    static void text(Peer peer, String reply) {
        peer.out.sendText(reply);
    }

    /** {@code ERR CODE text}: the text protocol's error, for a bad admin line. */
    static void textError(NioConnection connection, String code, String message) {
        connection.sendText("ERR " + code + " " + AdminCommands.urlText(message) + "\n");
    }

    /** ERROR for bad input on a connection that has no {@link Peer} yet or whose frame was unreadable. */
    static void error(NioConnection connection, String code, String message) {
        connection.send(Packet.response(PacketType.ERROR, code, message));
    }

    static void noop(Peer peer) {
        peer.out.send(NOOP);
    }

    static void noJob(Peer peer) {
        peer.out.send(NO_JOB);
    }

    static void jobCreated(Peer peer, ServerJob job) {
        byte[] frame = Frames.header(PacketType.JOB_CREATED, job.handleLength());
        job.writeHandle(frame, Packet.HEADER_LENGTH);
        peer.out.sendBytes(frame);
    }

    /** The same bytes for every listener of the job: build once, send to each. */
    static Packet workFail(ServerJob job) {
        return Packet.response(PacketType.WORK_FAIL, job.handleBytes());
    }

    static void toListeners(ServerJob job, Packet packet) {
        for (int i = 0; i < job.listenerCount(); i++) {
            job.listener(i).out.send(packet);
        }
    }

    static void echo(Peer peer, Packet request) {
        // Same body, no copy: a 64 MiB echo costs no second 64 MiB.
        peer.out.send(PacketAccess.wrap(Magic.RES, PacketType.ECHO_RES, PacketAccess.body(request)));
    }

    static void optionAccepted(Peer peer, String option) {
        peer.out.send(Packet.response(PacketType.OPTION_RES, option));
    }

    /** STATUS_RES for {@code handle}: known, running, numerator, denominator ({@code job} null: unknown). */
    static void status(Peer peer, byte[] handle, ServerJob job) {
        peer.out.send(Packet.response(PacketType.STATUS_RES, handle, flag(job != null),
                flag(job != null && job.state == ServerJob.State.RUNNING),
                Bytes.fromKey(job == null ? ServerJob.ZERO : job.numerator),
                Bytes.fromKey(job == null ? ServerJob.ZERO : job.denominator)));
    }

    /** STATUS_RES_UNIQUE: as {@link #status}, then the number of clients waiting for the job. */
    static void statusUnique(Peer peer, byte[] unique, ServerJob job) {
        peer.out.send(Packet.response(PacketType.STATUS_RES_UNIQUE, unique, flag(job != null),
                flag(job != null && job.state == ServerJob.State.RUNNING),
                Bytes.fromKey(job == null ? ServerJob.ZERO : job.numerator),
                Bytes.fromKey(job == null ? ServerJob.ZERO : job.denominator),
                ascii(job == null ? 0 : job.listenerCount())));
    }

    /**
     * JOB_ASSIGN (GRAB_JOB), JOB_ASSIGN_ALL (GRAB_JOB_ALL of a reduce job) or JOB_ASSIGN_UNIQ: the
     * frame's head (header, handle, function name and the other fields) as one array, then the
     * payload queued from where it lies (its own array, or inside the SUBMIT body for a large one)
     * rather than copied: the loop copies it once, into its write buffer. A job is assigned once
     * per run, so a copy here would be an allocation the size of the payload for every job.
     */
    static void assign(Peer worker, ServerJob job, PacketType grab) {
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
        byte[] head = Frames.header(type, headLength + dataLength, Packet.HEADER_LENGTH + headLength);
        int at = job.writeHandle(head, Packet.HEADER_LENGTH) + 1; // each field ends in NUL, already 0
        at = Frames.put(head, at, name) + 1;
        if (type != PacketType.JOB_ASSIGN) {
            at = Frames.put(head, at, job.unique) + 1;
        }
        if (type == PacketType.JOB_ASSIGN_ALL) {
            Frames.put(head, at, job.reducer);
        }
        worker.out.sendBytes(head, job.dataArray, dataOffset, dataLength);
    }

    /**
     * A worker's WORK_* packet passed on to clients under RES magic: one packet sharing the body
     * the worker's frame arrived in, however many clients get it and whatever its size. The loop
     * encodes it straight into its write buffer, so the body is copied only there (a copy into a
     * frame of its own here would allocate the result's size again for every result).
     */
    static final class Forward {
        private final Packet received;
        private Packet response; // made for the first listener: a background job's result has none

        Forward(Packet received) {
            this.received = received;
        }

        void sendTo(Peer listener) {
            if (response == null) {
                response = received.withMagic(Magic.RES);
            }
            listener.out.send(response);
        }

        void sendToListeners(ServerJob job) {
            for (int i = 0; i < job.listenerCount(); i++) {
                sendTo(job.listener(i));
            }
        }
    }

    private static byte[] flag(boolean value) {
        return new byte[] {(byte) (value ? '1' : '0')};
    }

    private static byte[] ascii(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }
}
