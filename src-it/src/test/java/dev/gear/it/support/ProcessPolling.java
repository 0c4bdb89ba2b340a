package dev.gear.it.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waits for an external process to reach a state it announces by no event we could wait on: having
 * bound its listening port, or (for a worker) having registered its functions with a server.
 *
 * <p>Polling is the only way to observe those states, so it is confined to this class, and every
 * wait has an overall deadline. The pause between two attempts is {@link Process#waitFor(long,
 * TimeUnit)} on the very process being waited for: it is a short backoff that also ends the moment
 * the process dies, so a crashed process fails the wait at once instead of at the deadline. Nothing
 * in the suite sleeps for a fixed time.
 */
final class ProcessPolling {
    private static final long FIRST_PAUSE_MILLIS = 2;
    private static final long MAX_PAUSE_MILLIS = 50;
    private static final int CONNECT_TIMEOUT_MILLIS = 200;

    private ProcessPolling() {
    }

    /**
     * Returns once {@code host:port} accepts a TCP connection.
     *
     * @throws ProcessExitedException when {@code process} exits first
     * @throws IllegalStateException when the deadline passes first
     */
    static void awaitPort(Process process, String host, int port, Duration timeout) {
        awaitCondition(process, "port " + host + ":" + port + " to accept connections", timeout,
                () -> accepts(host, port));
    }

    /**
     * Returns once {@code condition} is true; evaluates it first at once, then after growing pauses.
     *
     * @param what what is awaited, for the failure message ("worker for reverse to register")
     * @throws ProcessExitedException when {@code process} exits first
     * @throws IllegalStateException when the deadline passes first
     */
    static void awaitCondition(Process process, String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = FIRST_PAUSE_MILLIS;
        while (true) {
            if (condition.getAsBoolean()) {
                return;
            }
            if (!process.isAlive()) {
                throw new ProcessExitedException(process.exitValue(), "while waiting for " + what);
            }
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                throw new IllegalStateException("Timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            if (waitForExit(process, Math.min(pause, left))) {
                throw new ProcessExitedException(process.exitValue(), "while waiting for " + what);
            }
            pause = Math.min(2 * pause, MAX_PAUSE_MILLIS);
        }
    }

    private static boolean waitForExit(Process process, long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting", e);
        }
    }

    private static boolean accepts(String host, int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            return true;
        } catch (IOException refusedOrNotYetBound) {
            return false;
        }
    }

    /** The awaited process exited before reaching the awaited state. */
    static final class ProcessExitedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ProcessExitedException(int exitCode, String context) {
            super("Process exited with status " + exitCode + " " + context);
        }
    }
}
