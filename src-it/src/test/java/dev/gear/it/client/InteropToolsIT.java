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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Our client, worker and admin requests against gearmand and its command-line tools. */
class InteropToolsIT {
    private static final String GEARMAN = "/usr/bin/gearman";
    private final Fixture fx = new Fixture();
    private TestServer gearmand;

    @BeforeEach
    void startGearmand() {
        assumeTrue(LocalGearmand.available() && Files.isExecutable(Path.of(GEARMAN)), "gearmand and gearman installed");
        gearmand = fx.server(TestServer.Kind.GEARMAND);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void ourClientAgainstAGearmanCliWorker() throws Exception {
        Process worker = fx.add(new ChildProcess(new ProcessBuilder(GEARMAN, "-h", "127.0.0.1", "-p",
                Integer.toString(gearmand.port()), "-w", "-f", "reverse", "--", "rev"))).process;
        Client client = fx.client(gearmand);
        Job job = client.submitJob(new Job("reverse", "hello gear\n"));
        job.waitForCompletion(Fixture.TIMEOUT);
        assertThat(job.isFailure()).as(job.failureReason()).isFalse();
        assertThat(job.dataAsString().trim()).isEqualTo("raeg olleh");
        assertThat(worker.isAlive()).isTrue();
    }

    @Test
    void ourWorkerServesGearmanCliSubmissions() throws Exception {
        Worker worker = fx.worker(gearmand);
        worker.registerFunction("upper");
        CompletableFuture<String> served = fx.async(() -> {
            WorkerJob job = worker.getJob(Fixture.TIMEOUT);
            job.sendWorkComplete(job.argumentsAsString().toUpperCase(Locale.ROOT));
            return job.name();
        });
        ChildProcess cli = fx.add(new ChildProcess(new ProcessBuilder(GEARMAN, "-h", "127.0.0.1", "-p",
                Integer.toString(gearmand.port()), "-f", "upper", "hello tools")));
        assertThat(cli.process.waitFor(Fixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(served.get(Fixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("upper");
        assertThat(cli.output()).contains("HELLO TOOLS");
    }

    @Test
    void adminRequestsAgainstGearmand() {
        Worker worker = fx.worker(gearmand);
        worker.registerFunction("adm");
        Client client = fx.client(gearmand);
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
        assertThat(cancel.lines()).containsExactly("OK"); // gearmand ends it with \r\n
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

    /** A command gearmand does not know. */
    private static final class Bogus extends AdminRequest {
        Bogus() {
            super("bogus");
        }

        @Override
        protected boolean isMultiLine() {
            return false;
        }
    }

    /** A child process we started, stopped by its own handle on close. */
    private static final class ChildProcess implements AutoCloseable {
        final Process process;
        final Path out;

        ChildProcess(ProcessBuilder builder) throws IOException {
            out = Files.createTempFile("gearman-cli", ".out");
            process = builder.redirectErrorStream(true).redirectOutput(out.toFile()).start();
        }

        String output() throws IOException {
            return Files.readString(out);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            Files.deleteIfExists(out);
        }
    }
}
