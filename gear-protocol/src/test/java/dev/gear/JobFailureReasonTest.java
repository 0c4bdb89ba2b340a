package dev.gear;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.server.Server;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 6: a client cannot tell a worker's WORK_FAIL from one the server sent because the
 * job's worker was lost, so {@link Job#failureReason()} names both, in one text, verbatim.
 */
class JobFailureReasonTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String WORK_FAIL_REASON =
            "WORK_FAIL: the worker failed the job, or the server failed it (for example because its worker was lost, "
                    + "or an admin cancelled it)";
    private Server server;
    private Client client;

    @BeforeEach
    void start() {
        server = Server.builder().listenAddress("127.0.0.1").port(0).build().start();
        client = new Client("failure-reason");
        client.addServer("127.0.0.1", server.port());
        client.waitForServer(WAIT);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private Worker worker() {
        Worker worker = new Worker("failure-reason-worker");
        worker.addServer("127.0.0.1", server.port());
        worker.registerFunction("f");
        worker.waitForServer(WAIT);
        return worker;
    }

    @Test
    void aWorkFailFromTheWorkerSaysWhatTheClientKnows() {
        try (Worker worker = worker()) {
            Job job = client.submitJob(new Job("f", "x"));
            worker.getJob(WAIT).sendWorkFail();
            job.waitForCompletion(WAIT);
            assertThat(job.failureReason()).isEqualTo(WORK_FAIL_REASON);
        }
    }

    /** The server's default worker-loss policy fails a foreground job whose worker went away. */
    @Test
    void aWorkFailTheServerSentForALostWorkerSaysTheSame() {
        Job job = client.submitJob(new Job("f", "x"));
        Worker worker = worker();
        worker.getJob(WAIT);
        worker.close(); // without an answer

        job.waitForCompletion(WAIT);
        assertThat(job.isFailure()).isTrue();
        assertThat(job.failureReason()).isEqualTo(WORK_FAIL_REASON);
    }
}
