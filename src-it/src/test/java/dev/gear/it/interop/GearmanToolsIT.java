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
import dev.gear.it.support.ServerUnderTest.Kind;
import dev.gear.it.support.ToolResult;
import dev.gear.it.support.ToolWorker;
import dev.gear.server.Server;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * libgearman's own command-line client, worker and admin tool ({@code gearman}, {@code gearadmin}
 * from Debian's gearman-tools) against every server that runs as its own process: gearmand and our
 * {@code geard} jar, each started from its command line as an operator starts it. This is what a
 * user of the tools sees; every gearadmin answer is checked against its exact shape.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.gear.it.support.ServersUnderTest#childProcesses")
class GearmanToolsIT {
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(10);

    /** {@code FUNCTION TOTAL RUNNING WORKERS}, tab-separated; the function name may be empty. */
    private static final Pattern STATUS_LINE = Pattern.compile("[^\\t]*\\t\\d+\\t\\d+\\t\\d+");
    /** {@code FD IP CLIENT-ID : F1 F2…}; nothing after the colon for a connection without functions. */
    private static final Pattern WORKERS_LINE = Pattern.compile("\\d+ \\S+ \\S+ :( \\S+)*");
    /** {@code HANDLE RETRIES IGNORED BACKGROUND}, tab-separated. */
    private static final Pattern SHOW_JOBS_LINE = Pattern.compile("\\S+\\t\\d+\\t[01]\\t[01]");
    /** The unique id the gearman CLI makes up when {@code -u} is not given. */
    private static final Pattern UUID = Pattern.compile("\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");
    /** What {@code gearman -v -b} prints. */
    private static final Pattern TASK_CREATED = Pattern.compile("Task created: (\\S+)\\s*");

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
            server.close(); // for geard this also asserts exit status 0 after SIGTERM
        }
    }

    @Test
    void aGearmanCliJobRunsOnAGearmanCliWorker() {
        try (ToolWorker worker = tools.startWorker(List.of("reverse"), "rev")) {
            worker.awaitRegistered(TOOL_TIMEOUT);

            // echo hello | gearman -f reverse
            ToolResult result = tools.gearman(utf8("hello\n"), TOOL_TIMEOUT, "-f", "reverse");

            assertThat(result.exitCode()).as("exit status of %s", result).isZero();
            assertThat(result.stdoutText()).as("stdout of %s", result).isEqualTo("olleh\n");
        }
    }

    @Test
    void backgroundJobsRunInPriorityOrderThenFifo() {
        // Queued while no worker exists: -I = SUBMIT_JOB_HIGH_BG, -L = SUBMIT_JOB_LOW_BG, neither = SUBMIT_JOB_BG.
        background("order", "low1", "-L");
        background("order", "normal1");
        background("order", "high1", "-I");
        background("order", "low2", "-L");
        background("order", "normal2");
        background("order", "high2", "-I");

        // A worker without a command prints each job's data; -c 6 exits after six jobs.
        try (ToolWorker worker = tools.startWorker(List.of("order"), List.of("-c", "6"))) {
            String printed = worker.awaitExit(TOOL_TIMEOUT);
            assertThat(printed.lines()).as("the order the worker ran the jobs in")
                    .containsExactly("high1", "high2", "normal1", "normal2", "low1", "low2");
        }
        assertThat(statusLines()).as("status after the worker drained the queue").contains("order\t0\t0\t0");
    }

    @Test
    void gearadminStatus() {
        try (ToolWorker worker = tools.startWorker(List.of("reverse"), "rev")) {
            worker.awaitRegistered(TOOL_TIMEOUT);
            background("order", "x");
            background("order", "y", "-L");
            background("queued-too", "later");

            List<String> lines = statusLines();
            assertThat(lines).as("--status").contains("reverse\t0\t0\t1", "order\t2\t0\t0", "queued-too\t1\t0\t0");
        }
    }

    @Test
    void gearadminWorkers() {
        try (ToolWorker reverse = tools.startWorker(List.of("reverse"), "rev");
                ToolWorker two = tools.startWorker(List.of("upper", "lower"), "tr", "a-z", "A-Z")) {
            reverse.awaitRegistered(TOOL_TIMEOUT);
            two.awaitRegistered(TOOL_TIMEOUT);

            ToolResult workers = gearadmin("--workers");
            List<String> lines = listReply(workers, WORKERS_LINE);
            assertThat(lines).as("%s", workers).anyMatch(line -> line.endsWith(" : reverse"));
            assertThat(lines).as("%s", workers)
                    .anyMatch(line -> line.endsWith(" : upper lower") || line.endsWith(" : lower upper"));
            assertThat(lines).as("gearadmin's own connection, without functions, in %s", workers)
                    .anyMatch(line -> line.endsWith(" :"));
            assertThat(lines).as("peer addresses in %s", workers).allMatch(line -> line.split(" ")[1].equals("127.0.0.1"));
        }
    }

    @Test
    void gearadminShowJobs() {
        String high = background("order", "h", "-I", "-v");
        String low = background("order", "l", "-L", "-v");

        ToolResult jobs = gearadmin("--show-jobs");
        assertThat(listReply(jobs, SHOW_JOBS_LINE)).as("%s", jobs)
                .containsExactlyInAnyOrder(high + "\t0\t0\t1", low + "\t0\t0\t1");
    }

    @Test
    void gearadminShowUniqueJobs() {
        background("order", "mine", "-u", "my-unique");
        background("order", "made-up"); // the CLI sends a UUID as the unique

        ToolResult uniques = gearadmin("--show-unique-jobs");
        List<String> lines = listReply(uniques, Pattern.compile("my-unique|" + UUID.pattern()));
        assertThat(lines).as("%s", uniques).hasSize(2).contains("my-unique");
    }

    @Test
    void gearadminCancelJob() {
        String handle = background("order", "doomed", "-v");

        ToolResult cancelled = gearadmin("--cancel-job", handle);
        assertThat(cancelled.stdoutText()).as("%s", cancelled).isEqualTo("OK\n");
        List<String> jobs = listReply(gearadmin("--show-jobs"), SHOW_JOBS_LINE);
        if (server.kind() == Kind.GEARMAND) {
            // gearmand keeps it listed as ignored until a worker would take it (docs/differences.md).
            assertThat(jobs).containsExactly(handle + "\t0\t1\t0");
        } else {
            assertThat(jobs).isEmpty();
        }

        ToolResult unknown = gearadmin("--cancel-job", handle + "999");
        assertThat(unknown.exitCode()).as("gearadmin exits 0 even on ERR: %s", unknown).isZero();
        assertThat(unknown.stdoutText()).as("%s", unknown).isEmpty();
        // gearadmin prints the server's ERR line as is: gearmand ends it in \r\n, ours in \n.
        assertThat(unknown.stderr()).as("%s", unknown).matches("Error: UNKNOWN_JOB\r?\n");
    }

    @Test
    void gearadminServerVersion() {
        ToolResult version = gearadmin("--server-version");
        assertThat(version.stdoutText()).as("%s", version).matches("\\d+\\.\\d+\\.\\d+\\S*\n");
        if (server.kind() == Kind.GEAR_JAVA) {
            assertThat(version.stdoutText()).as("%s", version).isEqualTo(Server.version() + "\n");
        }
    }

    @Test
    void gearadminGetpidIsTheServersProcess() {
        ToolResult pid = gearadmin("--getpid");
        assertThat(pid.stdoutText()).as("%s", pid).isEqualTo(server.processId() + "\n");
    }

    @Test
    void gearadminShowsWhatRawPeersDid() {
        try (Peers peers = new Peers(server)) {
            RawConnection worker = peers.worker("counted");
            worker.assertNoReplyPending();
            String handle = Peers.submit(peers.connect(), PacketType.SUBMIT_JOB_BG, "queued", "", "x");

            assertThat(statusLines()).contains("counted\t0\t0\t1", "queued\t1\t0\t0");
            assertThat(listReply(gearadmin("--show-jobs"), SHOW_JOBS_LINE)).containsExactly(handle + "\t0\t0\t1");
        }
    }

    @Test
    void aBackgroundCliSubmissionIsPickedUpByAWorkerStartedLater() {
        background("later", "payload");

        try (Peers peers = new Peers(server)) {
            RawConnection worker = peers.worker("later");
            assertThat(Peers.grabUniq(worker).data())
                    .as("data of the job gearman -b submitted")
                    .isEqualTo(utf8("payload\n"));
        }
    }

    /**
     * {@code echo DATA | gearman -b [options] -f FUNCTION}; with {@code -v} among the options,
     * returns the handle it printed, else "".
     */
    private String background(String function, String data, String... options) {
        List<String> args = new ArrayList<>(List.of("-b"));
        args.addAll(List.of(options));
        args.add("-f");
        args.add(function);
        ToolResult result = tools.gearman(utf8(data + "\n"), TOOL_TIMEOUT, args.toArray(String[]::new));
        assertThat(result.exitCode()).as("exit status of %s", result).isZero();
        assertThat(result.stderr()).as("stderr of %s", result).isEmpty();
        if (!args.contains("-v")) {
            assertThat(result.stdoutText()).as("stdout of %s", result).isEmpty();
            return "";
        }
        Matcher created = TASK_CREATED.matcher(result.stdoutText());
        assertThat(created.matches()).as("stdout of %s", result).isTrue();
        return created.group(1);
    }

    private ToolResult gearadmin(String... args) {
        ToolResult result = tools.gearadmin(TOOL_TIMEOUT, args);
        assertThat(result.exitCode()).as("exit status of %s", result).isZero();
        return result;
    }

    private List<String> statusLines() {
        return listReply(gearadmin("--status"), STATUS_LINE);
    }

    /** The lines of a list reply before its final {@code .}; every one must match {@code shape}. */
    private static List<String> listReply(ToolResult result, Pattern shape) {
        assertThat(result.stderr()).as("stderr of %s", result).isEmpty();
        assertThat(result.stdoutText()).as("a list reply ends with a '.' line: %s", result).endsWith(".\n");
        List<String> lines = result.stdoutLines();
        List<String> body = lines.subList(0, lines.size() - 1);
        assertThat(body).as("every line of %s has the shape %s", result, shape)
                .allMatch(line -> shape.matcher(line).matches());
        return body;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
