package dev.gear.internal.client;

/** What a function registered with a handler does with each of its jobs (the public {@code JobHandler}, adapted). */
@FunctionalInterface
public interface AssignedJobHandler {
    void handle(AssignedJob job) throws Exception;
}
