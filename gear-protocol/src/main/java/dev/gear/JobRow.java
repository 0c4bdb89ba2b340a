package dev.gear;

/**
 * One line of the {@code show jobs} admin reply.
 *
 * @param handle     the job handle
 * @param retries    how often it was requeued after a worker died or timed out
 * @param ignored    whether it was cancelled or abandoned by its client
 * @param background whether it is a background job
 */
public record JobRow(String handle, int retries, boolean ignored, boolean background) {
}
