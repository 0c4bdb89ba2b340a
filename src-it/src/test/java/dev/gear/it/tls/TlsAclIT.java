package dev.gear.it.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.AdminRequest;
import dev.gear.Client;
import dev.gear.GearmanErrorException;
import dev.gear.Job;
import dev.gear.Precedence;
import dev.gear.StatusAdminRequest;
import dev.gear.StatusRow;
import dev.gear.Worker;
import dev.gear.WorkerInterruptedException;
import dev.gear.WorkerJob;
import dev.gear.server.Acl;
import dev.gear.server.AclEntry;
import dev.gear.server.Server;
import dev.gear.testkit.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * gear's ACL end to end as a user meets it: our {@link Client} and {@link Worker} over TLS, each
 * identified by its certificate's CN, against a {@link Server} with an {@link Acl} (the raw-packet
 * matrix is gear-testkit's {@code ServerTlsAclTest}). A worker without register rights never gets
 * a job; a client without invoke rights gets ERROR {@code 0} {@code Permission denied by ACL};
 * an {@code acl grant} sent by a granting CN over a TLS admin connection changes both live.
 */
class TlsAclIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String HOST = "127.0.0.1";
    private static final TestCertificates CERTS = TestCertificates.get();

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private Server server;

    @BeforeEach
    void start() {
        Acl acl = new Acl();
        acl.add(new AclEntry("builder", "build.*", null, false));
        acl.add(new AclEntry("submitter", null, "build.*", false));
        acl.add(new AclEntry("admin", null, null, true));
        server = add(Server.builder().port(0).listenAddress(HOST).tls(CERTS.serverContext()).acl(acl).build().start());
    }

    @AfterEach
    void close() throws Exception {
        while (!resources.isEmpty()) {
            resources.pop().close();
        }
    }

    @Test
    void aWorkerWithoutRegisterRightsNeverGetsTheJob() throws Exception {
        Client admin = client("admin");
        Worker intruder = worker("intruder");
        intruder.registerFunction("build-linux");
        // One connection's packets are handled in order: once the echo is back, so is the CAN_DO.
        intruder.getConnection().echo("sync".getBytes(StandardCharsets.UTF_8), WAIT);
        assertThat(workersOf(admin, "build-linux")).as("a denied CAN_DO registers nothing").isZero();
        // The intruder waits before the job exists: were its CAN_DO honoured, the job would be its.
        CompletableFuture<WorkerJob> intruderWaits = CompletableFuture.supplyAsync(() -> intruder.getJob(WAIT));

        Client submitter = client("submitter");
        Job job = submitter.submitJob(new Job("build-linux", "src"));
        assertThat(queued(admin, "build-linux")).as("the job waits for a permitted worker").isEqualTo(1);

        Worker builder = worker("builder");
        builder.registerFunction("build-linux");
        WorkerJob assigned = builder.getJob(WAIT);
        assertThat(assigned.handle()).isEqualTo(job.handle());
        assigned.sendWorkComplete("built");
        assertThat(job.waitForCompletion(WAIT).dataAsString()).isEqualTo("built");

        assertThat(intruderWaits).as("the intruder got nothing").isNotDone();
        intruder.stopWaitingForJobs();
        assertThatThrownBy(() -> intruderWaits.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(WorkerInterruptedException.class);
    }

    @Test
    void aClientWithoutInvokeRightsGetsPermissionDeniedByAcl() {
        Client stranger = client("stranger");
        assertPermissionDenied(stranger, "build-linux");
        Client submitter = client("submitter");
        assertPermissionDenied(submitter, "deploy-prod"); // invoke=build.* matches from the start only
        assertThat(submitter.submitJob(new Job("build-linux", "x"), true, Precedence.NORMAL, WAIT).handle())
                .as("an invoke right lets the same client submit").isNotNull();
    }

    @Test
    void anAdminGrantOverTlsChangesInvokeAndRegisterRightsLive() {
        Client stranger = client("stranger");
        Worker newcomer = worker("newcomer");
        Client admin = client("admin");
        assertPermissionDenied(stranger, "build-linux");

        // Only a CN with grant rights may grant; the submitter (invoke only) may not.
        assertThatThrownBy(() -> client("submitter").getConnection().sendAdminRequest(
                new AclCommand("acl grant invoke stranger build.*"), WAIT))
                .isInstanceOf(GearmanErrorException.class)
                .satisfies(e -> assertThat(((GearmanErrorException) e).code()).isEqualTo("PERMISSION_DENIED"));

        assertThat(admin.getConnection().sendAdminRequest(new AclCommand("acl grant invoke stranger build.*"), WAIT)
                .lines()).containsExactly("OK");
        assertThat(admin.getConnection().sendAdminRequest(new AclCommand("acl grant register newcomer build.*"), WAIT)
                .lines()).containsExactly("OK");

        // The same live connections, not new ones: the stranger submits, the newcomer registers and works.
        Job job = stranger.submitJob(new Job("build-linux", "src"));
        newcomer.registerFunction("build-linux");
        WorkerJob assigned = newcomer.getJob(WAIT);
        assertThat(assigned.handle()).isEqualTo(job.handle());
        assigned.sendWorkComplete("built");
        assertThat(job.waitForCompletion(WAIT).dataAsString()).isEqualTo("built");

        assertThat(admin.getConnection().sendAdminRequest(new AclCommand("acl revoke invoke stranger"), WAIT)
                .lines()).containsExactly("OK");
        assertPermissionDenied(stranger, "build-linux");
        assertThat(admin.getConnection().sendAdminRequest(new AclCommand("acl list"), WAIT).lines())
                .contains("newcomer\tregister=build.*\tinvoke=None\tgrant=False")
                .noneMatch(line -> line.startsWith("stranger"));
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static void assertPermissionDenied(Client client, String function) {
        assertThatThrownBy(() -> client.submitJob(new Job(function, "x")))
                .isInstanceOf(GearmanErrorException.class)
                .hasMessageContaining("Permission denied by ACL")
                .satisfies(e -> {
                    GearmanErrorException error = (GearmanErrorException) e;
                    assertThat(error.code()).isEqualTo("0");
                    assertThat(error.text()).isEqualTo("Permission denied by ACL");
                });
    }

    /** An {@code acl ...} admin command: one reply line, or a list for {@code acl list}. */
    private static final class AclCommand extends AdminRequest {
        AclCommand(String command) {
            super(command);
        }

        @Override
        protected boolean isMultiLine() {
            return commandLine().equals("acl list");
        }
    }

    private Client client(String commonName) {
        Client client = add(Client.builder().clientId(commonName).build());
        client.addServer(HOST, server.port(), CERTS.clientContext(commonName));
        client.waitForServer(WAIT);
        return client;
    }

    private Worker worker(String commonName) {
        Worker worker = add(Worker.builder().clientId(commonName).build());
        worker.addServer(HOST, server.port(), CERTS.clientContext(commonName));
        worker.waitForServer(WAIT);
        return worker;
    }

    private static int workersOf(Client admin, String function) {
        return statusRow(admin, function).map(StatusRow::workers).orElse(0);
    }

    private static int queued(Client admin, String function) {
        return statusRow(admin, function).map(StatusRow::total).orElse(0);
    }

    private static Optional<StatusRow> statusRow(Client admin, String function) {
        List<StatusRow> rows = admin.getConnection().sendAdminRequest(new StatusAdminRequest(), WAIT).rows();
        return rows.stream().filter(r -> r.function().equals(function)).findFirst();
    }

    private <T extends AutoCloseable> T add(T resource) {
        resources.push(resource);
        return resource;
    }
}
