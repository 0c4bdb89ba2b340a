package dev.gear.testkit.internal;

import dev.gear.internal.server.ServerCore;
import dev.gear.internal.transport.NioConnection;
import dev.gear.testkit.GearFault;
import dev.gear.testkit.JournalEvent;
import dev.gear.testkit.Peer;
import dev.gear.testkit.UnmatchedPolicy;

/**
 * What the test server does in reaction to events, on the server's loop thread: fire armed
 * faults at the protocol point they name, and apply the unmatched-job policy.
 */
public final class KitReactions implements JournalRecorder.Reactions {
    private final EventJournal journal;
    private final FaultPlan faults;
    private final UnmatchedPolicy unmatchedPolicy;
    private volatile JournalRecorder recorder;
    private volatile StubWorker stubWorker;
    private volatile ServerCore core;

    public KitReactions(EventJournal journal, FaultPlan faults, UnmatchedPolicy unmatchedPolicy) {
        this.journal = journal;
        this.faults = faults;
        this.unmatchedPolicy = unmatchedPolicy;
    }

    /** The recorder that names peers (it is built with these reactions, hence not a constructor argument). */
    public void recorder(JournalRecorder recorder) {
        this.recorder = recorder;
    }

    /** The stub worker that serves the FAIL_FAST policy. */
    public void stubWorker(StubWorker stubWorker) {
        this.stubWorker = stubWorker;
    }

    /** The core of the server running now (a new one after each restart). */
    public void core(ServerCore core) {
        this.core = core;
    }

    @Override
    public void jobSubmitted(JournalEvent.JobSubmitted e, boolean anyWorker) {
        faults.take(FaultPlan.Point.JOB_CREATED, e.function()).ifPresent(f -> fireOn(f, e.submitter().connection()));
        if (!anyWorker) {
            switch (unmatchedPolicy) {
                case FAIL_FAST -> stubWorker.failFast(e.function());
                case REPORT -> stubUnmatched(e.handle(), e.function());
                case QUEUE -> {
                    // the job waits for a worker, as on any Gearman server
                }
            }
        }
    }

    @Override
    public void jobAssigned(JournalEvent.JobAssigned e) {
        faults.take(FaultPlan.Point.JOB_ASSIGNED, e.function()).ifPresent(f -> fireOn(f, e.worker().connection()));
    }

    /** Records a job nobody could take (REPORT policy, or a stub without a matching rule). */
    public void stubUnmatched(String handle, String function) {
        journal.append((seq, t) -> new JournalEvent.JobUnmatched(seq, t, handle, function));
    }

    private void fireOn(GearFault fault, long connection) {
        NioConnection nio = core.connection(connection);
        if (nio != null) {
            fire(fault, nio, connection);
        }
    }

    /** Applies {@code fault} to {@code nio} now; loop thread. */
    public void fire(GearFault fault, NioConnection nio, long connection) {
        // Recorded before it is applied, so the event's time bounds the fault's effects from below.
        Peer target = recorder.peer(connection, nio.remoteAddress());
        journal.append((seq, t) -> new JournalEvent.FaultInjected(seq, t, target, FaultPlan.describe(fault)));
        FaultPlan.apply(fault, nio);
    }
}
