package dev.gear.it.support;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Stops a child process the suite started, by that process's own handle (never by name): SIGTERM
 * first, so the child can shut down cleanly, and SIGKILL only if it ignores that.
 */
final class ChildProcesses {
    private ChildProcesses() {
    }

    /**
     * Sends SIGTERM and waits up to {@code timeout} for the exit; if it does not come, sends
     * SIGKILL and waits up to {@code timeout} again. Interrupted: SIGKILL at once, the interrupt kept.
     *
     * @return the exit status when the process ended on SIGTERM (or had already ended); empty when
     *         it had to be killed
     */
    static OptionalInt terminate(Process process, Duration timeout) {
        process.destroy();
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return OptionalInt.of(process.exitValue());
            }
            process.destroyForcibly();
            process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        return OptionalInt.empty();
    }
}
