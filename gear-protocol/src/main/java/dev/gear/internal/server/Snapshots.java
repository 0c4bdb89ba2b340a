package dev.gear.internal.server;

import dev.gear.server.ConnectionSnapshot;
import dev.gear.server.FunctionStatus;
import dev.gear.server.JobSnapshot;
import dev.gear.server.ServerSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Builds {@link ServerSnapshot}s from the core's live state, on the loop thread. */
final class Snapshots {
    private Snapshots() {
    }

    static ServerSnapshot of(ServerCore core) {
        List<FunctionStatus> functions = new ArrayList<>();
        for (FunctionEntry f : core.lifecycle().functions().all()) {
            functions.add(status(f));
        }
        List<JobSnapshot> jobs = new ArrayList<>();
        for (int rank = 0; rank < 3; rank++) {
            List<ServerJob> queued = new ArrayList<>();
            for (FunctionEntry f : core.lifecycle().functions().all()) {
                f.queue(rank).forEach(queued::add);
            }
            queued.sort(Comparator.comparingLong(j -> j.sequence));
            queued.forEach(j -> jobs.add(job(j)));
        }
        List<ServerJob> all = List.of(core.lifecycle().jobs().oldestFirst());
        core.lifecycle().heldJobs().forEach(j -> jobs.add(job(j)));
        all.stream().filter(j -> j.state == ServerJob.State.DELAYED)
                .sorted(Comparator.comparingLong(j -> j.notBeforeMillis)).forEach(j -> jobs.add(job(j)));
        all.stream().filter(j -> j.state == ServerJob.State.RUNNING).forEach(j -> jobs.add(job(j)));
        List<ConnectionSnapshot> connections = new ArrayList<>();
        for (Peer p : core.peers()) {
            List<String> names = new ArrayList<>();
            p.functions.keySet().forEach(f -> names.add(f.displayName()));
            List<String> running = new ArrayList<>();
            p.running.toList().forEach(j -> running.add(j.handle()));
            connections.add(new ConnectionSnapshot(p.id, p.remoteAddress(), p.clientId, p.subject, names, p.sleeping,
                    running, p.exceptions));
        }
        return new ServerSnapshot(Instant.now(), functions, jobs, connections);
    }

    static FunctionStatus status(FunctionEntry f) {
        int running = f.totalRunning();
        // Held jobs count as queued in the total, as gear's held jobs do (they wait for a worker).
        return new FunctionStatus(f.displayName(), f.totalQueued() + f.held + f.delayed + running, running,
                f.registrations,
                f.queued[0], f.queued[1], f.queued[2], f.delayed);
    }

    private static JobSnapshot job(ServerJob j) {
        JobSnapshot.State state = switch (j.state) {
            case RUNNING -> JobSnapshot.State.RUNNING;
            case DELAYED -> JobSnapshot.State.DELAYED;
            case HELD -> JobSnapshot.State.HELD;
            case STORING, QUEUED, DONE -> JobSnapshot.State.QUEUED;
        };
        return job(j, state);
    }

    /** {@code j} as a public record, in {@code state}. */
    static JobSnapshot job(ServerJob j, JobSnapshot.State state) {
        return new JobSnapshot(j.handle(), j.function.displayName(), new String(j.unique, StandardCharsets.UTF_8),
                j.data(), j.precedence(), j.background, state, j.submitterAddress, j.submitterClientId,
                j.worker == null ? null : j.worker.id, j.retries, j.listenerCount(),
                j.notBeforeMillis > 0 ? Instant.ofEpochMilli(j.notBeforeMillis) : null,
                Bytes.display(j.numerator), Bytes.display(j.denominator));
    }
}
