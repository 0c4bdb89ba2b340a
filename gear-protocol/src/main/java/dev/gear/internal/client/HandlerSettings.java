package dev.gear.internal.client;

import java.util.concurrent.Executor;

/**
 * Where and how many job handlers of one worker run.
 *
 * @param executor          runs the handlers; null for a pool of {@code maxConcurrentJobs} threads
 *                          the worker creates on first use and shuts down with itself
 * @param onIoThread        run handlers on the worker's I/O thread itself (no executor, no hand-off)
 * @param maxConcurrentJobs how many handler jobs the worker holds at once (grabs no more)
 */
public record HandlerSettings(Executor executor, boolean onIoThread, int maxConcurrentJobs) {
}
