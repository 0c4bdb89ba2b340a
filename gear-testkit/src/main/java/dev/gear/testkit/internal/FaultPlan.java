package dev.gear.testkit.internal;

import dev.gear.internal.transport.NioConnection;
import dev.gear.testkit.GearFault;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Faults armed at protocol points, each for a number of occurrences. Armed from test threads,
 * fired on the server's loop thread.
 */
public final class FaultPlan {
    /** Where in the protocol a fault fires, and toward whom. */
    public enum Point {
        /** Toward the worker, right after the server queued JOB_ASSIGN for it. */
        JOB_ASSIGNED,
        /** Toward the submitting client, right after the server queued JOB_CREATED for it. */
        JOB_CREATED
    }

    private record Rule(Point point, String function, GearFault fault, int[] remaining) {
    }

    private final List<Rule> rules = new ArrayList<>();

    public synchronized void arm(Point point, String function, GearFault fault, int times) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, was " + times);
        }
        rules.add(new Rule(point, function, fault, new int[] {times}));
    }

    /** The fault to fire for this occurrence, if one is armed; uses one of its occurrences. */
    public synchronized Optional<GearFault> take(Point point, String function) {
        for (Iterator<Rule> it = rules.iterator(); it.hasNext();) {
            Rule r = it.next();
            if (r.point == point && r.function.equals(function)) {
                if (--r.remaining[0] == 0) {
                    it.remove();
                }
                return Optional.of(r.fault);
            }
        }
        return Optional.empty();
    }

    public synchronized void clear() {
        rules.clear();
    }

    /** How the journal names {@code fault}. */
    public static String describe(GearFault fault) {
        if (fault instanceof GearFault.Disconnect) {
            return "disconnect";
        } else if (fault instanceof GearFault.Reset) {
            return "reset";
        } else if (fault instanceof GearFault.Garbage g) {
            return "garbage " + g.bytes();
        } else if (fault instanceof GearFault.TruncatedPacket) {
            return "truncated packet";
        } else if (fault instanceof GearFault.Delay d) {
            return "delay input " + Durations.human(d.duration());
        }
        throw new IllegalArgumentException("unknown fault " + fault);
    }

    /** Applies {@code fault} to {@code c}; loop thread of {@code c}. */
    public static void apply(GearFault fault, NioConnection c) {
        if (fault instanceof GearFault.Disconnect) {
            c.closeAfterFlush("test kit fault: disconnect");
        } else if (fault instanceof GearFault.Reset) {
            c.reset("test kit fault: reset");
        } else if (fault instanceof GearFault.Garbage g) {
            c.sendBytes(g.bytes().bytes());
        } else if (fault instanceof GearFault.TruncatedPacket) {
            // A RES JOB_CREATED header announcing 100 body bytes, followed by only 3 of them.
            byte[] partial = {0, 'R', 'E', 'S', 0, 0, 0, 8, 0, 0, 0, 100, 'H', ':', 'x'};
            c.sendBytes(partial);
            c.closeAfterFlush("test kit fault: truncated packet");
        } else if (fault instanceof GearFault.Delay d) {
            c.setReadPaused(true);
            c.loop().schedule(d.duration(), () -> {
                if (c.isOpen()) {
                    c.setReadPaused(false);
                }
            });
        } else {
            throw new IllegalArgumentException("unknown fault " + fault);
        }
    }
}
