package dev.gear.testkit;

import dev.gear.testkit.internal.JobFolder;
import dev.gear.testkit.internal.JournalDump;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An immutable copy of the test server's journal at one moment: the most recent events, oldest
 * first, and how many older ones were dropped to respect the cap.
 *
 * <p>Why bounded: a long test run against one server would otherwise keep every payload forever
 * (WireMock's unbounded journal ran users out of memory). The cap is set with
 * {@link EmbeddedGearmanServer.Builder#journalCapacity(int)}; the jobs folded from a journal that
 * dropped events may miss their beginning, and failure messages say how many events were dropped.
 *
 * @param events   the retained events, oldest first, with strictly increasing sequence numbers
 * @param dropped  how many events were dropped since the last reset to keep within the cap
 * @param capacity the cap
 * @since 0.1
 */
public record Journal(List<JournalEvent> events, long dropped, int capacity) {
    public Journal {
        events = List.copyOf(events);
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
    }

    /** The retained events of one kind, oldest first. */
    public <T extends JournalEvent> List<T> events(Class<T> kind) {
        Objects.requireNonNull(kind, "kind");
        return events.stream().filter(kind::isInstance).map(kind::cast).collect(Collectors.toUnmodifiableList());
    }

    /** The events about one job handle, oldest first. */
    public List<JournalEvent> eventsFor(String handle) {
        return events.stream().filter(e -> handle.equals(e.handle())).collect(Collectors.toUnmodifiableList());
    }

    /** Every job the retained events tell of, in submission order. */
    public List<RecordedJob> jobs() {
        return JobFolder.fold(events);
    }

    /** The jobs of one function, in submission order. */
    public List<RecordedJob> jobs(String function) {
        return jobs().stream().filter(j -> j.function().equals(function)).collect(Collectors.toUnmodifiableList());
    }

    /** The sequence number of the newest event, or 0 when empty. */
    public long lastSequence() {
        return events.isEmpty() ? 0 : events.get(events.size() - 1).sequence();
    }

    /** A readable listing, one event per line, payloads as text when printable, else hex. */
    public String dump() {
        return dump(PayloadFormat.AUTO);
    }

    /** A readable listing, one event per line, payloads rendered as {@code format} says. */
    public String dump(PayloadFormat format) {
        return JournalDump.render(this, format);
    }

    /**
     * The ACL denials among the retained events, as the test kit's failure messages list them
     * ({@code ACL denials in the journal (1):} then one line each: sequence, action, target, CN,
     * connection), or {@code ""} when there are none. Waits end their failures with it, because a
     * denied CAN_DO is ignored by the server without a word to the worker (gear's rule).
     */
    public String describeAclDenials() {
        List<JournalEvent.AclDenied> denied = events(JournalEvent.AclDenied.class);
        if (denied.isEmpty()) {
            return "";
        }
        return "ACL denials in the journal (" + denied.size() + "):" + denied.stream()
                .map(d -> "\n  #" + d.sequence() + " " + d.action() + " '" + d.target() + "' denied to "
                        + (d.peer().subject() == null ? "[" + d.peer() + "] (no certificate)"
                                : "CN=" + d.peer().subject() + " [" + d.peer() + "]"))
                .collect(Collectors.joining());
    }

    /**
     * A readable listing in which the events from sequence {@code markFrom} on are marked with
     * {@code >}: e.g. those of one test on a server that several tests share.
     */
    public String dump(PayloadFormat format, long markFrom) {
        return JournalDump.render(this, format, markFrom);
    }

    @Override
    public String toString() {
        return dump();
    }
}
