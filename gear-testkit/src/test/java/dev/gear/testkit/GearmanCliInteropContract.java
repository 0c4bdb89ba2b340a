package dev.gear.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The test server serves any Gearman peer: gearmand's {@code gearman} command-line client and
 * worker (libgearman), not only our own. Skipped where the tool is not installed. Run over plain
 * TCP and over TLS (libgearman here has no TLS, so it goes through the kit's plain-to-TLS bridge
 * and the server sees a TLS peer with CN=cli).
 */
abstract class GearmanCliInteropContract {
    private static final Path GEARMAN = Path.of("/usr/bin/gearman");
    private static final Duration T = Duration.ofSeconds(10);

    EmbeddedGearmanServer server;

    abstract EmbeddedGearmanServer.Builder configure(EmbeddedGearmanServer.Builder builder);

    /** Where the command-line tools connect. */
    abstract InetSocketAddress endpoint();
    private final List<Process> started = new ArrayList<>();

    @BeforeEach
    void start() {
        assumeTrue(Files.isExecutable(GEARMAN), "gearman command-line tool not installed");
        server = configure(EmbeddedGearmanServer.builder()).build().start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.destroy(); // only the processes this test started, by handle
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (server != null) {
            server.close();
        }
    }

    private Process gearman(String... args) throws IOException {
        InetSocketAddress at = endpoint();
        List<String> cmd = new ArrayList<>(List.of(GEARMAN.toString(), "-h", at.getHostString(), "-p",
                Integer.toString(at.getPort())));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        started.add(p);
        return p;
    }

    @Test
    void theCliClientGetsAStubsAnswer() throws Exception {
        server.stub("upper").willAnswer(p -> new String(p, StandardCharsets.UTF_8).toUpperCase()
                .getBytes(StandardCharsets.UTF_8));
        Process client = gearman("-f", "upper", "-s", "hello cli");
        client.getOutputStream().close();
        assertThat(client.waitFor(T.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim())
                .isEqualTo("HELLO CLI");
        RecordedJob job = server.awaitJob(JobCriteria.function("upper").inState(JobState.COMPLETED), T);
        assertThat(job.payloadAsString()).isEqualTo("hello cli");
    }

    @Test
    void theCliWorkerAnswersATestSideSubmission() throws Exception {
        gearman("-w", "-f", "rev", "-c", "1", "--", "rev");
        server.awaitWorkers("rev", 1, T);
        SubmittedJob job = server.submit("rev", "abc\n");
        assertThat(new String(job.awaitResult(T), StandardCharsets.UTF_8).trim()).isEqualTo("cba");
    }

    @Test
    void theCliWorkerKilledMidJobLeavesItsBackgroundJobRequeued() throws Exception {
        // `sleep` never answers: the job is running when the worker process is killed.
        Process worker = gearman("-w", "-f", "slow", "--", "sleep", "60");
        server.awaitWorkers("slow", 1, T);
        SubmittedJob job = server.submit("slow", "x".getBytes(StandardCharsets.UTF_8), "", dev.gear.Precedence.NORMAL,
                true);
        server.awaitJob(JobCriteria.function("slow").withHandle(job.handle()).inState(JobState.RUNNING), T);
        // Kill the worker itself first (SIGKILL: no chance to answer); killing its `sleep` child
        // first would let it complete the job with empty output.
        List<ProcessHandle> children = worker.descendants().toList();
        worker.destroyForcibly();
        children.forEach(ProcessHandle::destroy);
        server.awaitEvent(JournalEvent.JobRequeued.class, e -> e.handle().equals(job.handle()), T);
        assertThat(server.snapshot().job(job.handle()).orElseThrow().retries()).isEqualTo(1);
    }
}
