package dev.gear.testkit.internal;

import dev.gear.internal.server.JobHold;
import dev.gear.internal.server.ServerCore;
import dev.gear.server.JobSnapshot;
import dev.gear.testkit.JobCriteria;
import dev.gear.testkit.JobState;
import dev.gear.testkit.Journal;
import dev.gear.testkit.Payload;
import dev.gear.testkit.PayloadFormat;
import dev.gear.testkit.Peer;
import dev.gear.testkit.RecordedJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The test kit's side of holds ({@code EmbeddedGearmanServer.holdJobs}): the hold itself lives in
 * the server's dispatch ({@link ServerCore#holdJobs}), so a held job is not handed out and then
 * taken back, it is never handed out; this class only runs the hold's loop-thread methods from
 * test threads and turns the server's {@link JobSnapshot}s into the journal's {@link RecordedJob}s.
 *
 * <p>A {@link JobCriteria} describes a {@link RecordedJob}; to match a job as the server is about to
 * queue it, the job's snapshot is viewed as a {@code RecordedJob} in state {@link JobState#HELD}.
 */
public final class Holds {
    private final Supplier<ServerCore> core;
    private final EventJournal journal;
    private final JournalWaits waits;
    private final Duration defaultTimeout;
    private final List<Open> open = new CopyOnWriteArrayList<>();

    public Holds(Supplier<ServerCore> core, EventJournal journal, JournalWaits waits, Duration defaultTimeout) {
        this.core = core;
        this.journal = journal;
        this.waits = waits;
        this.defaultTimeout = defaultTimeout;
    }

    /** One open hold: the server's hold and the server it was opened on (a restart ends it). */
    public final class Open {
        private final ServerCore on;
        private final JobHold hold;
        private final JobCriteria criteria;

        private Open(ServerCore on, JobHold hold, JobCriteria criteria) {
            this.on = on;
            this.hold = hold;
            this.criteria = criteria;
        }

        /** The jobs held now, oldest first. */
        public List<RecordedJob> held() {
            return recorded(onLoop(hold::held, "listing held jobs"));
        }

        /** Lets go of the held jobs {@code which} matches; returns them as they were when held. */
        public List<RecordedJob> release(JobCriteria which) {
            Predicate<JobSnapshot> p = predicate(which);
            Boolean wasClosed = onLoop(hold::isClosed, "releasing held jobs");
            if (wasClosed) {
                throw new IllegalStateException("cannot release " + which + ": this hold (on " + criteria
                        + ") is closed and holds nothing");
            }
            return recorded(onLoop(() -> hold.release(p), "releasing held jobs"));
        }

        /** Releases everything and holds nothing more; idempotent, also after the server closed. */
        public void close() {
            open.remove(this);
            if (on != core.get()) {
                return; // that server is gone, and its holds with it
            }
            try {
                onLoop(() -> {
                    hold.close();
                    return null;
                }, "closing a hold");
            } catch (IllegalStateException serverClosed) {
                // The server's loop is closed: nothing is held any more.
            }
        }

        /** Waits until this hold keeps at least {@code count} jobs; returns them, oldest first. */
        public List<RecordedJob> awaitHeld(int count, Duration timeout) {
            if (count < 0) {
                throw new IllegalArgumentException("count must not be negative, was " + count);
            }
            return waits.await(timeout == null ? defaultTimeout : timeout, () -> {
                List<RecordedJob> now = held();
                return now.size() >= count ? Optional.of(now) : Optional.empty();
            }, j -> {
                List<RecordedJob> now = held();
                return "It holds " + now.size() + (now.isEmpty() ? "." : ":")
                        + now.stream().map(r -> "\n  " + r.describe(PayloadFormat.AUTO)).collect(Collectors.joining())
                        + "\n" + JournalWaits.seenJobs(j);
            }, count + " job(s) held by the hold on " + criteria);
        }

        @Override
        public String toString() {
            return "JobHold[" + criteria + "]";
        }

        private <T> T onLoop(Callable<T> task, String what) {
            if (on != core.get()) {
                throw new IllegalStateException("the server restarted since this hold (on " + criteria
                        + ") was opened, and a restart ends every hold: open a new one with holdJobs(...)");
            }
            return join(on, task, what);
        }
    }

    /** Opens a hold on the running server. */
    public Open open(JobCriteria criteria) {
        ServerCore c = core.get();
        Predicate<JobSnapshot> p = predicate(criteria);
        Open o = new Open(c, join(c, () -> c.holdJobs(p), "opening a hold"), criteria);
        open.add(o);
        return o;
    }

    /** Closes every open hold ({@code reset()}). */
    public void closeAll() {
        for (Open o : open) {
            o.close();
        }
    }

    /** Handles of the jobs some open hold keeps now (for {@code awaitSettled}); loop thread not needed. */
    public List<String> heldHandles() {
        List<String> out = new ArrayList<>();
        for (Open o : open) {
            if (o.on == core.get()) {
                o.onLoop(o.hold::held, "listing held jobs").forEach(s -> out.add(s.handle()));
            }
        }
        return out;
    }

    /** {@code criteria} as a test on the server's view of a job that is (about to be) held. */
    public static Predicate<JobSnapshot> predicate(JobCriteria criteria) {
        return snapshot -> criteria.test(view(snapshot, JobState.HELD));
    }

    /** The server's view of a job as a {@link RecordedJob} of the given state (no journal history). */
    static RecordedJob view(JobSnapshot s, JobState state) {
        Peer submitter = new Peer(-1, s.submitterAddress() == null ? "?" : JournalRecorder.address(s.submitterAddress()),
                null, false);
        return new RecordedJob(0, s.handle(), s.function(), s.unique(), Payload.of(s.payload()), s.precedence(),
                s.background(), submitter, List.of(submitter), state, null, 0, List.of(), List.of(), 0, 0, null, null);
    }

    /** The journal's record of each job, else (its submission dropped from the journal) the server's view. */
    private List<RecordedJob> recorded(List<JobSnapshot> snapshots) {
        Journal j = journal.snapshot();
        List<RecordedJob> jobs = j.jobs();
        List<RecordedJob> out = new ArrayList<>(snapshots.size());
        for (JobSnapshot s : snapshots) {
            RecordedJob found = null;
            for (RecordedJob r : jobs) {
                if (r.handle().equals(s.handle())) {
                    found = r; // the newest one: a handle may come back after a restart
                }
            }
            out.add(found != null ? found : view(s, JobState.HELD));
        }
        return List.copyOf(out);
    }

    private <T> T join(ServerCore c, Callable<T> task, String what) {
        try {
            return c.loop().submit(task).get(waits.scale(defaultTimeout).toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not finish " + waits.describeTimeout(defaultTimeout), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        }
    }
}
