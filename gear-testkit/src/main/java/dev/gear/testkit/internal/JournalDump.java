package dev.gear.testkit.internal;

import dev.gear.testkit.Journal;
import dev.gear.testkit.JournalEvent;
import dev.gear.testkit.Payload;
import dev.gear.testkit.PayloadFormat;
import java.lang.reflect.RecordComponent;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Renders a journal for humans: one line per event, {@code #seq time Kind name=value …}. Built
 * from the record components so a new event kind shows up without touching this class.
 */
public final class JournalDump {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());
    /** Payloads longer than this are cut in dumps; a dump is for reading, not for diffing megabytes. */
    private static final int PAYLOAD_LIMIT = 512;

    private JournalDump() {
    }

    public static String render(Journal journal, PayloadFormat format) {
        return render(journal, format, Long.MAX_VALUE);
    }

    /**
     * The dump with every event from sequence {@code markFrom} on marked {@code >} in the margin
     * (the others indented alike), and a heading line saying what the mark means.
     */
    public static String render(Journal journal, PayloadFormat format, long markFrom) {
        StringBuilder sb = new StringBuilder();
        sb.append("journal: ").append(journal.events().size()).append(" event(s)");
        if (journal.dropped() > 0) {
            sb.append(", ").append(journal.dropped()).append(" older event(s) dropped (cap ")
                    .append(journal.capacity()).append(')');
        }
        boolean marking = markFrom != Long.MAX_VALUE;
        if (marking) {
            long marked = journal.events().stream().filter(e -> e.sequence() >= markFrom).count();
            sb.append("; ").append(marked).append(" marked '>' (#").append(markFrom)
                    .append(" on) happened while the failing test ran");
        }
        sb.append('\n');
        for (JournalEvent e : journal.events()) {
            sb.append(marking && e.sequence() >= markFrom ? "> " : "  ").append(line(e, format)).append('\n');
        }
        return sb.toString();
    }

    public static String line(JournalEvent e, PayloadFormat format) {
        StringBuilder sb = new StringBuilder();
        sb.append('#').append(e.sequence()).append(' ').append(TIME.format(e.time())).append(' ')
                .append(e.getClass().getSimpleName());
        for (RecordComponent c : e.getClass().getRecordComponents()) {
            String name = c.getName();
            if (name.equals("sequence") || name.equals("time")) {
                continue;
            }
            Object value;
            try {
                value = c.getAccessor().invoke(e);
            } catch (ReflectiveOperationException ex) {
                value = "?";
            }
            if (value == null) {
                continue;
            }
            sb.append(' ').append(name).append('=');
            if (value instanceof Payload p) {
                sb.append(p.render(format, PAYLOAD_LIMIT));
            } else if (value instanceof String s) {
                sb.append(s.isEmpty() || s.indexOf(' ') >= 0 ? '"' + s + '"' : s);
            } else if (value instanceof dev.gear.testkit.Peer) {
                sb.append('[').append(value).append(']');
            } else {
                sb.append(value);
            }
        }
        return sb.toString();
    }
}
