package dev.gear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Request timeouts are checked by one timer per connection (not one per request). Against a
 * server that accepts and never answers (the kernel completes the handshake from the backlog), a
 * short timeout queued behind a long one must still fire on time, and a submission that failed,
 * timed out or was cancelled leaves the job free to be submitted again.
 */
class ClientDeadlineTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void aShortTimeoutBehindALongOneFiresOnTime() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Client client = new Client("deadlines")) {
            client.addServer("127.0.0.1", silent.getLocalPort());
            client.waitForServer(TIMEOUT);
            CompletableFuture<Job> slow = client.submitJobAsync(new Job("f", "slow"), false, Precedence.NORMAL,
                    Duration.ofMinutes(10));
            Job quickJob = new Job("f", "quick");
            CompletableFuture<Job> quick = client.submitJobAsync(quickJob, false, Precedence.NORMAL,
                    Duration.ofMillis(200));

            assertThatThrownBy(() -> quick.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(GearmanTimeoutException.class)
                    .hasMessageContaining("got no answer within 200 ms");
            assertThat(slow).isNotDone();

            // Timed out: the job may go again (and time out again).
            CompletableFuture<Job> again = client.submitJobAsync(quickJob, false, Precedence.NORMAL, Duration.ofMillis(50));
            assertThatThrownBy(() -> again.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .hasCauseInstanceOf(GearmanTimeoutException.class);

            // Cancelled by the caller: likewise.
            Job cancelled = new Job("f", "cancelled");
            client.submitJobAsync(cancelled, false, Precedence.NORMAL, Duration.ofMinutes(10)).cancel(false);
            assertThat(client.submitJobAsync(cancelled, false, Precedence.NORMAL, Duration.ofMinutes(10))).isNotDone();
        }
    }

    @Test
    void blockingSubmitTimesOutWithTheJobNamed() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Client client = new Client("deadlines")) {
            client.addServer("127.0.0.1", silent.getLocalPort());
            client.waitForServer(TIMEOUT);
            Job job = new Job("named", "x");
            assertThatThrownBy(() -> client.submitJob(job, false, Precedence.NORMAL, Duration.ofMillis(100)))
                    .isInstanceOf(GearmanTimeoutException.class)
                    .hasMessageContaining("SUBMIT_JOB");
        }
    }
}
