package dev.gear.testkit.internal;

import dev.gear.Precedence;
import dev.gear.testkit.JobState;
import dev.gear.testkit.JournalEvent;
import dev.gear.testkit.JournalEvent.JobAssigned;
import dev.gear.testkit.JournalEvent.JobCancelled;
import dev.gear.testkit.JournalEvent.JobCompleted;
import dev.gear.testkit.JournalEvent.JobDropped;
import dev.gear.testkit.JournalEvent.JobException;
import dev.gear.testkit.JournalEvent.JobFailed;
import dev.gear.testkit.JournalEvent.JobRequeued;
import dev.gear.testkit.JournalEvent.JobSubmitted;
import dev.gear.testkit.JournalEvent.WorkData;
import dev.gear.testkit.JournalEvent.WorkStatus;
import dev.gear.testkit.JournalEvent.WorkWarning;
import dev.gear.testkit.Payload;
import dev.gear.testkit.Peer;
import dev.gear.testkit.RecordedJob;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds journal events into one {@link RecordedJob} per job. A handle may come back after a restart
 * (the server's handle counter starts again), so a submission for a handle whose job already ended
 * starts a new job rather than extending the old one.
 */
public final class JobFolder {
    private JobFolder() {
    }

    public static List<RecordedJob> fold(List<JournalEvent> events) {
        List<Builder> order = new ArrayList<>();
        Map<String, Builder> live = new HashMap<>();
        for (JournalEvent e : events) {
            if (e instanceof JobSubmitted s) {
                Builder b = live.get(s.handle());
                if (b == null || b.state.isTerminal() || !s.coalesced()) {
                    b = new Builder(s);
                    live.put(s.handle(), b);
                    order.add(b);
                } else {
                    b.submitters.add(s.submitter());
                }
                continue;
            }
            String handle = e.handle();
            Builder b = handle == null ? null : live.get(handle);
            if (b == null) {
                continue; // its submission was dropped from the bounded journal, or it is not a job event
            }
            b.apply(e);
        }
        List<RecordedJob> jobs = new ArrayList<>(order.size());
        for (Builder b : order) {
            jobs.add(b.build());
        }
        return List.copyOf(jobs);
    }

    private static final class Builder {
        final JobSubmitted submitted;
        final List<Peer> submitters = new ArrayList<>();
        final List<Payload> data = new ArrayList<>();
        final List<Payload> warnings = new ArrayList<>();
        JobState state = JobState.QUEUED;
        Peer worker;
        int attempts;
        long numerator;
        long denominator;
        Payload result;
        String reason;

        Builder(JobSubmitted s) {
            submitted = s;
            submitters.add(s.submitter());
        }

        void apply(JournalEvent e) {
            if (e instanceof JobAssigned a) {
                state = JobState.RUNNING;
                worker = a.worker();
                attempts++;
            } else if (e instanceof WorkData d) {
                data.add(d.data());
            } else if (e instanceof WorkWarning w) {
                warnings.add(w.data());
            } else if (e instanceof WorkStatus s) {
                numerator = s.numerator();
                denominator = s.denominator();
            } else if (e instanceof JobCompleted c) {
                state = JobState.COMPLETED;
                result = c.result();
            } else if (e instanceof JobFailed f) {
                state = JobState.FAILED;
                reason = f.reason();
            } else if (e instanceof JobException x) {
                state = JobState.EXCEPTION;
                result = x.data();
            } else if (e instanceof JobCancelled) {
                state = JobState.CANCELLED;
            } else if (e instanceof JobRequeued r) {
                state = JobState.QUEUED;
                reason = r.reason();
            } else if (e instanceof JournalEvent.JobHeld) {
                state = JobState.HELD;
            } else if (e instanceof JournalEvent.JobReleased) {
                state = JobState.QUEUED;
            } else if (e instanceof JobDropped d) {
                state = JobState.DROPPED;
                reason = d.reason();
            }
        }

        RecordedJob build() {
            JobSubmitted s = submitted;
            Precedence p = s.precedence();
            return new RecordedJob(s.sequence(), s.handle(), s.function(), s.unique(), s.payload(), p,
                    s.background(), s.submitter(), submitters, state, worker, attempts, data, warnings, numerator,
                    denominator, result, reason);
        }
    }
}
