package dev.gear.it.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gear.Client;
import dev.gear.GearmanErrorException;
import dev.gear.Job;
import dev.gear.PacketType;
import dev.gear.Precedence;
import dev.gear.Worker;
import dev.gear.WorkerJob;
import dev.gear.it.support.GearmanTool;
import dev.gear.it.support.RawConnection;
import dev.gear.it.support.ToolWorker;
import dev.gear.server.Acl;
import dev.gear.server.AclEntry;
import dev.gear.testkit.EmbeddedGearmanServer;
import dev.gear.testkit.JobCriteria;
import dev.gear.testkit.JobHold;
import dev.gear.testkit.JobState;
import dev.gear.testkit.JournalEvent;
import dev.gear.testkit.RecordedJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test kit's holds seen from the wire: raw GRAB forms, libgearman's worker, TLS with an ACL. */
class HeldJobsWireIT {
    private static final Duration T = Duration.ofSeconds(10);

    @Test
    void aHeldJobIsGivenForNoGrabFormNorWokenForUntilReleased() {
        try (EmbeddedGearmanServer server = EmbeddedGearmanServer.started();
                RawConnection client = RawConnection.open("127.0.0.1", server.port());
                RawConnection worker = RawConnection.open("127.0.0.1", server.port())) {
            JobHold hold = server.holdJobs(JobCriteria.function("build"));
            client.send(PacketType.SUBMIT_JOB_BG, "build", "", "change-1");
            String handle = new String(client.expectPacket(PacketType.JOB_CREATED).fields().get(0),
                    StandardCharsets.UTF_8);
            hold.awaitHeld(1);

            worker.send(PacketType.CAN_DO, "build");
            worker.send(PacketType.GRAB_JOB).expectPacket(PacketType.NO_JOB);
            worker.send(PacketType.GRAB_JOB_UNIQ).expectPacket(PacketType.NO_JOB);
            worker.send(PacketType.GRAB_JOB_ALL).expectPacket(PacketType.NO_JOB);
            worker.send(PacketType.PRE_SLEEP);
            worker.assertNoReplyPending(); // no NOOP for a held job

            hold.release(JobCriteria.function("build"));
            worker.expectPacket(PacketType.NOOP);
            assertThat(worker.send(PacketType.GRAB_JOB_UNIQ).expectPacket(PacketType.JOB_ASSIGN_UNIQ).fields().get(0))
                    .asString(StandardCharsets.UTF_8).isEqualTo(handle);
        }
    }

    @Test
    void libgearmansWorkerReceivesReleasedJobsInPriorityThenFifoOrder() {
        assumeTrue(GearmanTool.isInstalled(), "gearman-tools is not installed");
        try (EmbeddedGearmanServer server = EmbeddedGearmanServer.started()) {
            JobHold hold = server.holdJobs(JobCriteria.function("order"));
            server.submit("order", utf8("low1\n"), "", Precedence.LOW, true);
            server.submit("order", utf8("normal1\n"), "", Precedence.NORMAL, true);
            server.submit("order", utf8("high1\n"), "", Precedence.HIGH, true);
            server.submit("order", utf8("normal2\n"), "", Precedence.NORMAL, true);
            hold.awaitHeld(4);

            GearmanTool tools = new GearmanTool("127.0.0.1", server.port());
            // A worker without a command prints each job's data; -c 4 exits after four jobs.
            try (ToolWorker worker = tools.startWorker(List.of("order"), List.of("-c", "4"))) {
                worker.awaitRegistered(T);
                assertThat(server.awaitSettled().jobs()).as("held while libgearman's worker sleeps").hasSize(4);
                hold.close();
                assertThat(worker.awaitExit(T).lines()).containsExactly("high1", "normal1", "normal2", "low1");
            }
            assertThat(server.journal().jobs("order")).extracting(RecordedJob::state).containsOnly(JobState.COMPLETED);
        }
    }

    @Test
    void holdsWorkUnderTlsAndAnAclAndDeniedSubmitsAreNeverHeld() {
        Acl acl = new Acl();
        acl.add(new AclEntry("zuul", null, "build.*", false));
        acl.add(new AclEntry("executor", "build.*", null, false));
        try (EmbeddedGearmanServer server = EmbeddedGearmanServer.builder().tls().acl(acl).build().start();
                Client zuul = server.newClient("zuul");
                Client stranger = server.newClient("stranger");
                Worker executor = server.newWorker("executor", List.of("build"))) {
            JobHold hold = server.holdJobs(JobCriteria.functionMatching("build"));
            Job build = zuul.submitJob(new Job("build", "change-7"));
            assertThatThrownBy(() -> stranger.submitJob(new Job("build", "change-8")))
                    .isInstanceOf(GearmanErrorException.class).hasMessageContaining("Permission denied by ACL");
            assertThat(server.awaitEvent(JournalEvent.AclDenied.class, d -> d.action().equals("invoke"), T)
                    .peer().subject()).isEqualTo("stranger");
            assertThat(hold.awaitHeld(1)).singleElement().satisfies(j -> {
                assertThat(j.handle()).isEqualTo(build.handle());
                assertThat(j.submitter().subject()).isEqualTo("zuul");
            });

            hold.release(JobCriteria.function("build").withPayload("change-7"));
            WorkerJob job = executor.getJob(T);
            assertThat(job.argumentsAsString()).isEqualTo("change-7");
            job.sendWorkComplete("built");
            assertThat(build.waitForCompletion(T).dataAsString()).isEqualTo("built");
            assertThat(server.journal().jobs("build")).hasSize(1);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
