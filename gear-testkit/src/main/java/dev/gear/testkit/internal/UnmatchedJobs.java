package dev.gear.testkit.internal;

import dev.gear.testkit.Journal;
import dev.gear.testkit.JournalEvent;
import dev.gear.testkit.RecordedJob;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The jobs the unmatched policy reported, read from a journal. */
public final class UnmatchedJobs {
    private UnmatchedJobs() {
    }

    /** The jobs of {@code journal} that have a {@code JobUnmatched} event. */
    public static List<RecordedJob> in(Journal journal) {
        Set<String> handles = journal.events(JournalEvent.JobUnmatched.class).stream()
                .map(JournalEvent.JobUnmatched::handle).collect(Collectors.toSet());
        return journal.jobs().stream().filter(job -> handles.contains(job.handle())).toList();
    }

    /** Fails, listing them, when any job was reported unmatched. */
    public static void verifyNone(Journal journal) {
        List<RecordedJob> unmatched = in(journal);
        if (!unmatched.isEmpty()) {
            throw new AssertionError("Expected every job to find a worker or stub, but " + unmatched.size()
                    + " did not:\n" + unmatched.stream().map(j -> "  " + j).collect(Collectors.joining("\n")));
        }
    }
}
