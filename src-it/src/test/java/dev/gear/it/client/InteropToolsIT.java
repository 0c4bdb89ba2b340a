package dev.gear.it.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gear.AdminRequest;
import dev.gear.CancelJobAdminRequest;
import dev.gear.Client;
import dev.gear.Connection;
import dev.gear.GearmanErrorException;
import dev.gear.Job;
import dev.gear.JobRow;
import dev.gear.Precedence;
import dev.gear.ShowJobsAdminRequest;
import dev.gear.ShowUniqueJobsAdminRequest;
import dev.gear.StatusAdminRequest;
import dev.gear.StatusRow;
import dev.gear.VersionAdminRequest;
import dev.gear.Worker;
import dev.gear.WorkerJob;
import dev.gear.WorkerRow;
import dev.gear.it.support.GearmanTool;
import dev.gear.it.support.ServerLauncher;
import dev.gear.it.support.ServerUnderTest;
import dev.gear.it.support.ToolResult;
import dev.gear.it.support.ToolWorker;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our client, worker and admin requests against libgearman's command-line tools ({@code gearman -w},
 * {@code gearman -f}), on every server under test: gearmand is the reference, our server must
 * carry the same traffic.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.gear.it.support.ServersUnderTest#perImplementation")
class InteropToolsIT {
    @Parameter
    ServerLauncher launcher;

    @RegisterExtension
    final Fixture fx = new Fixture();
    private ServerUnderTest server;
    private GearmanTool tools;

    @BeforeEach
    void startServer() {
        assumeTrue(GearmanTool.isInstalled(), "gearman-tools is not installed");
        server = fx.server(launcher);
        tools = GearmanTool.against(server);
    }

    @Test
    void ourClientAgainstAGearmanCliWorker() {
        ToolWorker worker = fx.add(tools.startWorker(List.of("reverse"), "rev")).awaitRegistered(Fixture.TIMEOUT);
        Client client = fx.client(server);
        Job job = client.submitJob(new Job("reverse", "hello gear\n"));
        job.waitForCompletion(Fixture.TIMEOUT);
        assertThat(job.isFailure()).as(job.failureReason()).isFalse();
        assertThat(job.dataAsString().trim()).isEqualTo("raeg olleh");
        assertThat(worker.isAlive()).as(worker.diagnostics()).isTrue();
    }

    @Test
    void ourWorkerServesGearmanCliSubmissions() throws Exception {
        Worker worker = fx.worker(server);
        worker.registerFunction("upper");
        CompletableFuture<String> served = fx.async(() -> {
            WorkerJob job = worker.getJob(Fixture.TIMEOUT);
            job.sendWorkComplete(job.argumentsAsString().toUpperCase(Locale.ROOT));
            return job.name();
        });
        ToolResult cli = tools.gearman(new byte[0], Fixture.TIMEOUT, "-f", "upper", "hello tools");
        assertThat(cli.exitCode()).as("%s", cli).isZero();
        assertThat(served.get(Fixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("upper");
        assertThat(cli.stdoutText()).as("%s", cli).contains("HELLO TOOLS");
    }

    @Test
    void adminRequests() {
        Worker worker = fx.worker(server);
        worker.registerFunction("adm");
        Client client = fx.client(server);
        Job queued = client.submitJob(new Job("adm", "x", "uniq-1"), true, Precedence.NORMAL, Fixture.TIMEOUT);
        Job toCancel = client.submitJob(new Job("other", "y"), true, Precedence.NORMAL, Fixture.TIMEOUT);
        Connection connection = client.getConnection();

        List<StatusRow> status = connection.sendAdminRequest(new StatusAdminRequest(), Fixture.TIMEOUT).rows();
        assertThat(status).contains(new StatusRow("adm", 1, 0, 1), new StatusRow("other", 1, 0, 0));

        List<WorkerRow> workers = connection.sendAdminRequest(new dev.gear.WorkersAdminRequest(), Fixture.TIMEOUT).rows();
        assertThat(workers).anySatisfy(w -> {
            assertThat(w.clientId()).isEqualTo("test-worker");
            assertThat(w.functions()).containsExactly("adm");
            assertThat(w.ip()).isEqualTo("127.0.0.1");
        });
        assertThat(workers).anySatisfy(w -> assertThat(w.functions()).isEmpty()); // the admin connection itself

        List<JobRow> jobs = connection.sendAdminRequest(new ShowJobsAdminRequest(), Fixture.TIMEOUT).rows();
        assertThat(jobs).contains(new JobRow(queued.handle(), 0, false, true));
        assertThat(connection.sendAdminRequest(new ShowUniqueJobsAdminRequest(), Fixture.TIMEOUT).uniques())
                .contains("uniq-1");

        assertThat(connection.sendAdminRequest(new VersionAdminRequest(), Fixture.TIMEOUT).version()).matches("\\d+\\..*");

        CancelJobAdminRequest cancel = connection.sendAdminRequest(new CancelJobAdminRequest(toCancel.handle()),
                Fixture.TIMEOUT);
        assertThat(cancel.lines()).containsExactly("OK"); // gearmand ends it with \r\n, ours with \n
        assertThatThrownBy(() -> connection.sendAdminRequest(new CancelJobAdminRequest("H:nope:1"), Fixture.TIMEOUT))
                .isInstanceOfSatisfying(GearmanErrorException.class, e -> assertThat(e.code()).isEqualTo("UNKNOWN_JOB"));
        assertThatThrownBy(() -> connection.sendAdminRequest(new Bogus(), Fixture.TIMEOUT))
                .isInstanceOfSatisfying(GearmanErrorException.class,
                        e -> assertThat(e.code()).isEqualTo("UNKNOWN_COMMAND"));
        // The connection still works after ERR replies, for admin and binary traffic alike.
        assertThat(connection.sendAdminRequest(new StatusAdminRequest(), Fixture.TIMEOUT).isComplete()).isTrue();
        assertThat(connection.echo("ping".getBytes(StandardCharsets.UTF_8), Fixture.TIMEOUT))
                .isEqualTo("ping".getBytes(StandardCharsets.UTF_8));
    }

    /** A command no server knows. */
    private static final class Bogus extends AdminRequest {
        Bogus() {
            super("bogus");
        }

        @Override
        protected boolean isMultiLine() {
            return false;
        }
    }
}
