package dev.gear.internal.server;

import dev.gear.Packet;
import dev.gear.internal.transport.NioConnection;
import java.util.ArrayDeque;

/**
 * Everything the server writes to one connection, in the order of the requests that caused it.
 *
 * <p>Gearman replies carry no request id: a client matches JOB_CREATED, ERROR, ECHO_RES and the
 * rest to its requests by their order, and a WORK_COMPLETE to a handle it learnt from a JOB_CREATED
 * before. A durable background submission is answered only once its row is durable, after
 * requests read later on the same connection would be; so from the moment it is submitted until its
 * answer is ready, whatever else is written to the connection waits behind it, and goes out as soon
 * as every answer before it has. Without a queue store nothing ever waits, and a write costs one
 * check. Loop thread only.
 */
final class ReplyOrder {
    /** A place in the output kept for an answer that is not ready yet. */
    static final class Slot {
        private Runnable write;

        private boolean ready() {
            return write != null;
        }
    }

    private final NioConnection connection;
    /** Reserved slots and the writes queued behind them, oldest first; null until the first reservation. */
    private ArrayDeque<Slot> waiting;
    /** A slot at the head is being written: what it writes goes out at once. */
    private boolean flushing;

    ReplyOrder(NioConnection connection) {
        this.connection = connection;
    }

    /** Keeps the next place in the output for an answer {@link #fill filled} later. */
    Slot reserve() {
        if (waiting == null) {
            waiting = new ArrayDeque<>();
        }
        Slot slot = new Slot();
        waiting.add(slot);
        return slot;
    }

    /** The answer for {@code slot}: {@code write} runs (writing through this object) once every slot before it has. */
    void fill(Slot slot, Runnable write) {
        slot.write = write;
        drain();
    }

    void send(Packet packet) {
        if (direct()) {
            connection.send(packet);
        } else {
            later(() -> connection.send(packet));
        }
    }

    void sendBytes(byte[] frame) {
        if (direct()) {
            connection.sendBytes(frame);
        } else {
            later(() -> connection.sendBytes(frame));
        }
    }

    void sendBytes(byte[] head, byte[] array, int offset, int length) {
        if (direct()) {
            connection.sendBytes(head, array, offset, length);
        } else {
            later(() -> connection.sendBytes(head, array, offset, length));
        }
    }

    void sendText(String text) {
        if (direct()) {
            connection.sendText(text);
        } else {
            later(() -> connection.sendText(text));
        }
    }

    private boolean direct() {
        return flushing || waiting == null || waiting.isEmpty();
    }

    private void later(Runnable write) {
        Slot slot = new Slot();
        slot.write = write;
        waiting.add(slot);
    }

    private void drain() {
        if (flushing) {
            return; // filled from inside a write being flushed: the loop below takes it
        }
        while (!waiting.isEmpty() && waiting.peekFirst().ready()) {
            Slot head = waiting.pollFirst();
            flushing = true;
            try {
                head.write.run();
            } finally {
                flushing = false;
            }
        }
    }
}
