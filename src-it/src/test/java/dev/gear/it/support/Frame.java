package dev.gear.it.support;

import dev.gear.Packet;
import java.util.Objects;

/**
 * One thing a server sent: either a binary packet or a text line (without its line end, so
 * {@code \n} and {@code \r\n} replies read the same). Exactly one of the two is non-null.
 */
public record Frame(Packet packet, String line) {
    public Frame {
        if ((packet == null) == (line == null)) {
            throw new IllegalArgumentException("A frame is either a packet or a line");
        }
    }

    static Frame of(Packet packet) {
        return new Frame(Objects.requireNonNull(packet), null);
    }

    static Frame of(String line) {
        return new Frame(null, Objects.requireNonNull(line));
    }

    public boolean isPacket() {
        return packet != null;
    }

    @Override
    public String toString() {
        return isPacket() ? "packet " + packet : "line \"" + escape(line) + "\"";
    }

    private static String escape(String text) {
        return text.replace("\t", "\\t").replace("\r", "\\r");
    }
}
