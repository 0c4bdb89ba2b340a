package dev.gear.junit5;

import static dev.gear.junit5.GearAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.Client;
import dev.gear.GearmanErrorException;
import dev.gear.Job;
import dev.gear.Worker;
import dev.gear.WorkerJob;
import dev.gear.server.ConnectionSnapshot;
import dev.gear.testkit.EmbeddedGearmanServer;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * {@code @GearmanServer(tls = ..., acl = ...)} and {@code @ClientCert}: the server serves TLS with
 * the kit's certificates, injected peers present the named CN, and the ACL holds them to it.
 * Run through EngineTestKit; the fixtures assert, the tests check that every fixture test ran and passed.
 */
class GearExtensionTlsAclTests {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void tlsServerIsInjectedAndPeersPresentTheDefaultCertificates() {
        EngineExecutionResults results = Fixtures.run(TlsTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
    }

    @Test
    void peersPresentTheirClientCertAndTheAclHoldsThemToIt() {
        EngineExecutionResults results = Fixtures.run(AclTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
    }

    @Test
    void aBuiltTlsServerTakesClientCertsToo() {
        EngineExecutionResults results = Fixtures.run(BuiltTlsServerTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
    }

    // ------------------------------------------------------------------------------ fixtures

    @Tag("fixture")
    static class TlsTestCase {
        @GearmanServer(tls = true)
        EmbeddedGearmanServer server;

        @Test
        void clientAndWorkerSpeakTls(Client client, @CanDo("echo") Worker worker) {
            org.assertj.core.api.Assertions.assertThat(server.isTls()).isTrue();
            Job job = client.submitJob(new Job("echo", "hi"));
            WorkerJob work = worker.getJob(TIMEOUT);
            work.sendWorkComplete(work.arguments());

            org.assertj.core.api.Assertions.assertThat(job.waitForCompletion(TIMEOUT).dataAsString()).isEqualTo("hi");
            assertThat(server).job("echo").submittedBy(EmbeddedGearmanServer.DEFAULT_CLIENT_CN).isCompleted();
            org.assertj.core.api.Assertions.assertThat(server.snapshot().connections())
                    .extracting(ConnectionSnapshot::subject)
                    .contains(EmbeddedGearmanServer.DEFAULT_CLIENT_CN, EmbeddedGearmanServer.DEFAULT_WORKER_CN);
        }
    }

    @Tag("fixture")
    static class AclTestCase {
        @GearmanServer(tls = true, acl = {
                @GearmanServer.Acl(subject = "web", invoke = "resize$"),
                @GearmanServer.Acl(subject = "resizer", register = "resize$")})
        static EmbeddedGearmanServer server;

        @Test
        void permittedPeersWork(@ClientCert("web") Client web, @ClientCert("resizer") @CanDo("resize") Worker worker) {
            Job job = web.submitJob(new Job("resize", "cat.png"));
            WorkerJob work = worker.getJob(TIMEOUT);
            work.sendWorkComplete("thumb");

            org.assertj.core.api.Assertions.assertThat(job.waitForCompletion(TIMEOUT).dataAsString())
                    .isEqualTo("thumb");
            assertThat(server).job("resize").submittedBy("web").isCompleted();
        }

        @Test
        void aSubmitTheAclDoesNotAllowIsDenied(@ClientCert("intruder") Client intruder, @ClientCert("web") Client web) {
            assertThatThrownBy(() -> intruder.submitJob(new Job("resize", "cat.png")))
                    .isInstanceOfSatisfying(GearmanErrorException.class, e -> {
                        org.assertj.core.api.Assertions.assertThat(e.code()).isEqualTo("0");
                        org.assertj.core.api.Assertions.assertThat(e.text()).isEqualTo("Permission denied by ACL");
                    });
            assertThatThrownBy(() -> web.submitJob(new Job("resize_all", "x")))
                    .as("invoke = \"resize$\" does not extend to resize_all").isInstanceOf(GearmanErrorException.class);

            assertThat(server).within(TIMEOUT).deniedInvoke("intruder", "resize").deniedInvoke("web", "resize_all");
            assertThat(server).hasNotSubmitted("resize_all");
            assertThatThrownBy(() -> assertThat(server).deniedRegister("intruder", "resize"))
                    .hasMessageContaining("Expected the ACL to deny register 'resize' by CN=intruder, but it denied"
                            + " only:\n  invoke 'resize' by CN=intruder\n  invoke 'resize_all' by CN=web");
        }
    }

    @Tag("fixture")
    static class BuiltTlsServerTestCase {
        @GearmanServer
        EmbeddedGearmanServer server = EmbeddedGearmanServer.builder().tls().build();

        @Test
        void clientCertIsAccepted(@ClientCert("alice") Client alice) {
            alice.submitJob(new Job("f", "x"), true, dev.gear.Precedence.NORMAL, TIMEOUT);

            assertThat(server).within(TIMEOUT).job("f").submittedBy("alice").isQueued();
        }
    }
}
