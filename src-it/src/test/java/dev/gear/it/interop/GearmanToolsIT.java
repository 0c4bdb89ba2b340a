package dev.gear.it.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gear.PacketType;
import dev.gear.it.support.GearmanTool;
import dev.gear.it.support.Peers;
import dev.gear.it.support.RawConnection;
import dev.gear.it.support.ServerFailureContext;
import dev.gear.it.support.ServerLauncher;
import dev.gear.it.support.ServerUnderTest;
import dev.gear.it.support.ToolResult;
import dev.gear.it.support.ToolWorker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * libgearman's own command-line client, worker and admin tool against every server under test:
 * the smallest proof that a third-party Gearman stack works with the server, and a self-test of
 * {@link GearmanTool}.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.gear.it.support.ServersUnderTest#available")
class GearmanToolsIT {
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(10);

    @Parameter
    ServerLauncher launcher;

    ServerUnderTest server;
    GearmanTool tools;

    @RegisterExtension
    final ServerFailureContext failureContext = new ServerFailureContext(() -> server);

    @BeforeEach
    void startServer() throws Exception {
        assumeTrue(GearmanTool.isInstalled(), "gearman-tools is not installed");
        server = launcher.start();
        tools = GearmanTool.against(server);
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aGearmanCliJobRunsOnAGearmanCliWorker() {
        try (ToolWorker worker = tools.startWorker(List.of("reverse"), "rev")) {
            worker.awaitRegistered(TOOL_TIMEOUT);

            ToolResult result = tools.gearman("hello".getBytes(StandardCharsets.UTF_8), TOOL_TIMEOUT, "-f", "reverse");

            assertThat(result.exitCode()).as("exit status of %s", result).isZero();
            assertThat(result.stdoutText()).as("stdout of %s", result).isEqualTo("olleh");
        }
    }

    @Test
    void gearadminShowsWhatRawPeersDid() {
        try (Peers peers = new Peers(server)) {
            RawConnection worker = peers.worker("counted");
            worker.assertNoReplyPending();
            String handle = Peers.submit(peers.connect(), PacketType.SUBMIT_JOB_BG, "queued", "", "x");

            ToolResult status = tools.gearadmin(TOOL_TIMEOUT, "--status");
            assertThat(status.stdoutLines()).as("%s", status).contains("counted\t0\t0\t1", "queued\t1\t0\t0", ".");

            ToolResult jobs = tools.gearadmin(TOOL_TIMEOUT, "--show-jobs");
            assertThat(jobs.stdoutLines()).as("%s", jobs).containsExactly(handle + "\t0\t0\t1", ".");
        }
    }

    @Test
    void gearadminReportsTheServersPid() {
        ToolResult pid = tools.gearadmin(TOOL_TIMEOUT, "--getpid");
        assertThat(pid.exitCode()).as("exit status of %s", pid).isZero();
        assertThat(pid.stdoutText().trim()).as("%s", pid).isEqualTo(String.valueOf(server.processId()));
    }

    @Test
    void aBackgroundCliSubmissionIsPickedUpByAWorkerStartedLater() {
        ToolResult submitted = tools.gearman("payload".getBytes(StandardCharsets.UTF_8), TOOL_TIMEOUT,
                "-b", "-f", "later");
        assertThat(submitted.exitCode()).as("exit status of %s", submitted).isZero();

        try (Peers peers = new Peers(server)) {
            RawConnection worker = peers.worker("later");
            assertThat(Peers.grabUniq(worker).data())
                    .as("data of the job gearman -b submitted")
                    .isEqualTo("payload".getBytes(StandardCharsets.UTF_8));
        }
    }
}
