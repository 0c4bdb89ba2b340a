package dev.gear.it.examples;

import static dev.gear.junit5.GearAssertions.assertThat;
import static dev.gear.junit5.GearAssertions.assertThatThrownBy;

import dev.gear.Client;
import dev.gear.GearmanErrorException;
import dev.gear.Job;
import dev.gear.Worker;
import dev.gear.WorkerJob;
import dev.gear.junit5.CanDo;
import dev.gear.junit5.ClientCert;
import dev.gear.junit5.GearmanServer;
import dev.gear.testkit.EmbeddedGearmanServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * SSL and an ACL: the server speaks TLS and requires a client certificate; the ACL, keyed on the
 * certificate's CN, lets only {@code web} submit {@code resize} jobs and only {@code resizer} work
 * on them. Certificates come from a test CA the kit generates; nothing to configure.
 */
class AclIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    // quick-start:acl:begin
    @GearmanServer(tls = true, acl = {                   // TLS with client certificates, deny by default
            @GearmanServer.Acl(subject = "web", invoke = "resize$"),
            @GearmanServer.Acl(subject = "resizer", register = "resize$")})
    static EmbeddedGearmanServer server;

    @Test
    void onlyTheWebTierMayResize(@ClientCert("web") Client web, @ClientCert("intruder") Client intruder,
                                 @ClientCert("resizer") @CanDo("resize") Worker resizer) {
        Job job = web.submitJob(new Job("resize", "cat.png"));
        WorkerJob work = resizer.getJob(TIMEOUT);
        work.sendWorkComplete("thumb.png");
        assertThat(job.waitForCompletion(TIMEOUT).dataAsString()).isEqualTo("thumb.png");

        assertThatThrownBy(() -> intruder.submitJob(new Job("resize", "cat.png")))
                .isInstanceOf(GearmanErrorException.class).hasMessageContaining("Permission denied by ACL");
        assertThat(server).deniedInvoke("intruder", "resize");
    }
    // quick-start:acl:end

    @Test
    void aWorkerWithoutPermissionNeverGetsTheJobs(@ClientCert("intruder") Worker intruder) {
        intruder.registerFunction("resize");

        assertThat(server).within(TIMEOUT).deniedRegister("intruder", "resize");
        assertThat(server).within(TIMEOUT).hasWorkersFor("resize", 0);
    }
}
