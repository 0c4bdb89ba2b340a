package dev.gear;

/**
 * One line of the {@code status} admin reply.
 *
 * @param function the function name
 * @param total    jobs queued plus running
 * @param running  jobs running
 * @param workers  worker registrations for the function
 */
public record StatusRow(String function, int total, int running, int workers) {
}
