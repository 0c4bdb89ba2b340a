package dev.gear.server;

import dev.gear.Precedence;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An immutable picture of a {@link Server}'s state, taken on its event loop in one go, so the
 * parts agree with each other. Safe to keep and read from any thread.
 *
 * @param takenAt     when it was taken
 * @param functions   every known function, in creation order
 * @param jobs        every job: queued ones in dispatch order (HIGH, NORMAL, LOW, FIFO within each
 *                    across functions), then held epoch jobs, then running ones
 * @param connections every open connection, oldest first
 */
public record ServerSnapshot(Instant takenAt, List<FunctionStatus> functions, List<JobSnapshot> jobs,
        List<ConnectionSnapshot> connections) {
    public ServerSnapshot {
        functions = List.copyOf(functions);
        jobs = List.copyOf(jobs);
        connections = List.copyOf(connections);
    }

    /** The status row of {@code name}, if the function exists. */
    public Optional<FunctionStatus> function(String name) {
        return functions.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** The job with this handle, if the server holds it. */
    public Optional<JobSnapshot> job(String handle) {
        return jobs.stream().filter(j -> j.handle().equals(handle)).findFirst();
    }

    /** Jobs waiting for a worker, in dispatch order. */
    public List<JobSnapshot> queuedJobs() {
        return jobs.stream().filter(j -> j.state() == JobSnapshot.State.QUEUED).collect(Collectors.toList());
    }

    /** Jobs of {@code function} waiting for a worker, whatever their precedence, in dispatch order. */
    public List<JobSnapshot> queuedJobs(String function) {
        return jobs.stream().filter(j -> j.state() == JobSnapshot.State.QUEUED && j.function().equals(function))
                .collect(Collectors.toList());
    }

    /** Jobs of {@code function} waiting with {@code precedence}, FIFO. */
    public List<JobSnapshot> queuedJobs(String function, Precedence precedence) {
        return jobs.stream()
                .filter(j -> j.state() == JobSnapshot.State.QUEUED && j.function().equals(function)
                        && j.precedence() == precedence)
                .collect(Collectors.toList());
    }

    /** Jobs a worker is running. */
    public List<JobSnapshot> runningJobs() {
        return jobs.stream().filter(j -> j.state() == JobSnapshot.State.RUNNING).collect(Collectors.toList());
    }

    /** Connections that registered at least one function. */
    public List<ConnectionSnapshot> workers() {
        return connections.stream().filter(c -> !c.functions().isEmpty()).collect(Collectors.toList());
    }
}
