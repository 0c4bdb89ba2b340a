package dev.gear.testkit.internal;

import dev.gear.server.FunctionStatus;
import dev.gear.server.JobSnapshot;
import dev.gear.server.ServerSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code awaitSettled}: Zuul's {@code waitUntilSettled} for the test server. The server is settled
 * when nothing can move without the test doing something:
 * <ul>
 *   <li>no job is queued for a function some connected worker registered (it would be grabbed);
 *       held jobs, delayed epoch jobs and jobs nobody can take do not move;</li>
 *   <li>no job is running, unless a holding stub keeps it for the test ({@code willHold()});</li>
 *   <li>nothing is pending: the journal did not change while the state was read, after a round
 *       trip through the test kit's loop (the stub's own answers) and the server's loop.</li>
 * </ul>
 * The check is re-run on every journal event (a job that moves always makes one; a stub taking a
 * held job touches the journal), never on a poll interval.
 */
public final class Settling {
    private final EventJournal journal;
    private final JournalWaits waits;
    private final Supplier<ServerSnapshot> snapshot;
    private final Supplier<List<String>> stubHeld;
    private final Runnable kitRoundTrip;

    public Settling(EventJournal journal, JournalWaits waits, Supplier<ServerSnapshot> snapshot,
            Supplier<List<String>> stubHeld, Runnable kitRoundTrip) {
        this.journal = journal;
        this.waits = waits;
        this.snapshot = snapshot;
        this.stubHeld = stubHeld;
        this.kitRoundTrip = kitRoundTrip;
    }

    /** Waits until settled; returns the settled state. */
    public ServerSnapshot await(Duration timeout) {
        return waits.await(timeout, () -> {
            long before = journal.snapshot().lastSequence();
            kitRoundTrip.run();
            ServerSnapshot s = snapshot.get();
            List<String> moving = moving(s);
            long after = journal.snapshot().lastSequence();
            return moving.isEmpty() && before == after ? Optional.of(s) : Optional.empty();
        }, j -> {
            List<String> moving = moving(snapshot.get());
            return (moving.isEmpty() ? "Nothing moves now, but the journal kept changing while it was checked."
                    : "Still moving (" + moving.size() + "):" + String.join("", moving)) + "\n"
                    + JournalWaits.seenJobs(j);
        }, "the server to settle");
    }

    /** One line (with its leading "\n  ") per job that still moves. */
    private List<String> moving(ServerSnapshot s) {
        Set<String> held = new HashSet<>(stubHeld.get());
        List<String> out = new ArrayList<>();
        for (JobSnapshot job : s.jobs()) {
            switch (job.state()) {
                case QUEUED -> {
                    int workers = s.function(job.function()).map(FunctionStatus::workers).orElse(0);
                    if (workers > 0) {
                        out.add("\n  queued, and " + workers + " connected worker(s) could take it: " + job);
                    }
                }
                case RUNNING -> {
                    if (!held.contains(job.handle())) {
                        out.add("\n  running on connection " + job.workerConnectionId() + ": " + job);
                    }
                }
                case HELD, DELAYED -> {
                    // Kept by a hold until the test releases it, or waiting for its time.
                }
            }
        }
        return out;
    }
}
