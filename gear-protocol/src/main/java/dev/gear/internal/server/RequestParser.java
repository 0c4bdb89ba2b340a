package dev.gear.internal.server;

import dev.gear.Packet;
import dev.gear.PacketType;
import dev.gear.Precedence;
import dev.gear.internal.codec.PacketAccess;
import dev.gear.internal.codec.WireBytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads requests whose fields need more than {@link Packet#field}: SUBMIT_* (read from the body in
 * place, the hot path of enqueue), CAN_DO_TIMEOUT, and the names the admin protocol will print.
 * A request that cannot be accepted is answered with ERROR here and comes back as {@code null}
 * (or {@code false}); the connection goes on. Loop thread only.
 */
final class RequestParser {
    /** Returned by {@link #canDoTimeout} for a refused request. */
    static final int REFUSED = -1;

    private final int maxUniqueLength;

    RequestParser(int maxUniqueLength) {
        this.maxUniqueLength = maxUniqueLength;
    }

    /**
     * A SUBMIT_* packet as a request, or null when it was refused (answered with ERROR).
     * {@code draining}: a server shutting down gracefully refuses every new job.
     */
    SubmitRequest submit(Peer peer, Packet packet, boolean draining) {
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
        Precedence precedence = switch (type) {
            case SUBMIT_JOB_HIGH, SUBMIT_JOB_HIGH_BG -> Precedence.HIGH;
            case SUBMIT_JOB_LOW, SUBMIT_JOB_LOW_BG -> Precedence.LOW;
            default -> Precedence.NORMAL;
        };
        boolean background = switch (type) {
            case SUBMIT_JOB_BG, SUBMIT_JOB_HIGH_BG, SUBMIT_JOB_LOW_BG, SUBMIT_JOB_EPOCH,
                    SUBMIT_REDUCE_JOB_BACKGROUND -> true;
            default -> false;
        };
        // The aggregator (field 3 of the reduce forms) is ignored, as by gearmand.
        byte[] reducer = type == PacketType.SUBMIT_REDUCE_JOB || type == PacketType.SUBMIT_REDUCE_JOB_BACKGROUND
                ? packet.field(2) : null;
        long notBefore = 0;
        if (type == PacketType.SUBMIT_JOB_EPOCH) {
            String when = new String(packet.field(2), StandardCharsets.ISO_8859_1).trim();
            try {
                notBefore = Math.multiplyExact(Long.parseLong(when), 1000L);
            } catch (NumberFormatException e) {
                Replies.error(peer, "INVALID_ARGUMENTS",
                        "SUBMIT_JOB_EPOCH needs the time as seconds since the epoch, got '" + when + "'");
                return null;
            } catch (ArithmeticException e) {
                Replies.error(peer, "INVALID_ARGUMENTS", "SUBMIT_JOB_EPOCH time " + when
                        + " is too far in the future: its milliseconds do not fit in 64 bits; no job was created");
                return null;
            }
        }
        if (draining) {
            Replies.error(peer, "SHUTDOWN_GRACEFUL", "Server is shutting down gracefully and accepts no new jobs");
            return null;
        }
        int uniqueLength = uniqueEnd - nameEnd - 1;
        if (uniqueLength > maxUniqueLength) {
            Replies.error(peer, "ARGUMENT_TOO_LARGE", "Unique value too large: " + uniqueLength
                    + " bytes, the limit is " + maxUniqueLength);
            return null;
        }
        if (!fitsAdminLines(peer, type, " function name", body, 0, nameEnd, "no job was created")
                || !fitsAdminLines(peer, type, " unique", body, nameEnd + 1, uniqueEnd, "no job was created")) {
            return null;
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
        return new SubmitRequest(type, body, nameEnd, unique, data, inBody, dataStart, precedence, background,
                reducer, notBefore);
    }

    /**
     * CAN_DO_TIMEOUT's timeout in milliseconds (0 for none; gearmand's rule: at least one second),
     * or {@link #REFUSED} (answered).
     */
    int canDoTimeout(Peer peer, Packet packet) {
        String text = new String(packet.field(1), StandardCharsets.ISO_8859_1).trim();
        long millis;
        try {
            millis = Long.parseLong(text);
        } catch (NumberFormatException e) {
            millis = -1;
        }
        if (millis < 0) {
            Replies.error(peer, "INVALID_ARGUMENTS", "CAN_DO_TIMEOUT needs a timeout in milliseconds (0 for none), got '"
                    + text + "'; the function was not registered");
            return REFUSED;
        }
        if (!fitsAdminLines(peer, "CAN_DO_TIMEOUT function name", packet.field(0), "the function was not registered")) {
            return REFUSED;
        }
        return millis == 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(1000, millis));
    }

    /**
     * Function names, client ids and uniques are printed in the text admin replies ({@code status},
     * {@code prioritystatus}, {@code workers}, {@code show unique jobs}), one record per line. A line
     * feed, carriage return or NUL cannot be written there without breaking the line format for
     * every admin reader, so such a value is refused with ERROR {@code INVALID_ARGUMENTS} instead of
     * being stored; the connection goes on. Tabs and spaces stay allowed, as in gearmand.
     */
    boolean fitsAdminLines(Peer peer, String what, byte[] value, String consequence) {
        return fitsAdminLines(peer, null, what, value, 0, value.length, consequence);
    }

    /** The same for {@code value[from, to)}; the text names {@code type} (when not null) before {@code what}. */
    private static boolean fitsAdminLines(Peer peer, PacketType type, String what, byte[] value, int from, int to,
            String consequence) {
        for (int i = from; i < to; i++) {
            byte b = value[i];
            if (b == '\n' || b == '\r' || b == 0) {
                String which = b == '\n' ? "a line feed (\\n)" : b == '\r' ? "a carriage return (\\r)" : "a NUL byte";
                Replies.error(peer, "INVALID_ARGUMENTS", (type == null ? "" : type.toString()) + what + " contains "
                        + which + " at byte " + (i - from) + "; admin replies list it on one line, so it is refused; "
                        + consequence);
                return false;
            }
        }
        return true;
    }
}
