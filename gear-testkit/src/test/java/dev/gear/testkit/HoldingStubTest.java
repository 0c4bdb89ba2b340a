package dev.gear.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.Client;
import dev.gear.Job;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link StubbedFunction#willHold()}: jobs the stub keeps running until the test answers, over real sockets. */
class HoldingStubTest {
    private static final Duration T = Duration.ofSeconds(5);
    private EmbeddedGearmanServer server;
    private Client client;

    @BeforeEach
    void start() {
        server = EmbeddedGearmanServer.started();
        client = server.newClient();
    }

    @AfterEach
    void stop() {
        client.shutdown();
        server.close();
    }

    @Test
    void heldJobsStayRunningUntilTheTestAnswersEachOnTheWire() {
        server.stub("build").willHold();
        Job first = client.submitJob(new Job("build", "change-1"));
        Job second = client.submitJob(new Job("build", "change-2"));

        List<HeldJob> held = server.stub("build").awaitHeld(2);
        assertThat(held).extracting(HeldJob::handle).containsExactly(first.handle(), second.handle());
        assertThat(held).extracting(HeldJob::payloadText).containsExactly("change-1", "change-2");
        assertThat(server.journal().jobs("build")).extracting(RecordedJob::state)
                .containsExactly(JobState.RUNNING, JobState.RUNNING);

        HeldJob one = held.get(0);
        one.sendStatus(1, 2).sendData("log line").sendWarning("slow");
        RecordedJob running = server.awaitJob(JobCriteria.function("build").withHandle(one.handle()));
        assertThat(running.numerator()).isEqualTo(1);
        assertThat(running.denominator()).isEqualTo(2);
        assertThat(running.data()).extracting(Payload::utf8).containsExactly("log line");
        assertThat(running.warnings()).extracting(Payload::utf8).containsExactly("slow");
        one.complete("SUCCESS");
        assertThat(first.waitForCompletion(T).dataAsString()).isEqualTo("log lineslowSUCCESS"); // gear puts WORK_WARNING data in the data too
        assertThat(server.stub("build").awaitHeld(1)).extracting(HeldJob::handle).containsExactly(second.handle());

        held.get(1).fail();
        assertThat(second.waitForCompletion(T).isFailure()).isTrue();
        assertThat(server.stub("build").awaitHeld(0)).isEmpty();
    }

    @Test
    void conditionalHoldsKeepOnlyMatchingJobsAndExceptionsGoOutAsWorkException() {
        server.stub("build").when(p -> new String(p, StandardCharsets.UTF_8).startsWith("hold")).willHold()
                .willComplete("done");
        Job free = client.submitJob(new Job("build", "free"));
        Job kept = client.submitJob(new Job("build", "hold me"));
        assertThat(free.waitForCompletion(T).dataAsString()).isEqualTo("done");
        HeldJob held = server.stub("build").awaitHeld(1).get(0);
        assertThat(held.handle()).isEqualTo(kept.handle());
        held.throwException("boom");
        assertThat(server.awaitFinished("build", T).state()).isIn(JobState.COMPLETED, JobState.EXCEPTION);
        assertThat(server.awaitJob(JobCriteria.function("build").withHandle(kept.handle())
                .inState(JobState.EXCEPTION)).resultText()).isEqualTo("boom");
    }

    @Test
    void aHeldJobEndsOnceAndMisuseSaysSo() {
        server.stub("build").willHold();
        client.submitJob(new Job("build", "x"));
        HeldJob held = server.stub("build").awaitHeld(1).get(0);
        held.complete("ok");
        String h = held.handle();
        assertThatThrownBy(held::fail).isInstanceOf(IllegalStateException.class).hasMessage("held job " + h
                + " of 'build' was already finished with complete(\"ok\"), so fail() cannot finish it again: a job"
                + " ends once");
        assertThatThrownBy(() -> held.throwException("late")).isInstanceOf(IllegalStateException.class)
                .hasMessage("held job " + h + " of 'build' was already finished with complete(\"ok\"), so"
                        + " throwException(\"late\") cannot finish it again: a job ends once");
        assertThatThrownBy(() -> held.sendData("more")).isInstanceOf(IllegalStateException.class).hasMessage(
                "held job " + h + " of 'build' was already finished with complete(\"ok\"): nothing more can be sent"
                        + " for it");
        assertThat(held.isFinished()).isTrue();
        assertThatThrownBy(() -> server.stub("build").awaitHeld(1, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Timed out after 50 ms waiting for 1 job(s) held by the stub for 'build'.\n"
                        + "It holds 0.\nJobs seen (1):\n  #");
    }

    @Test
    void jobsTheTestNeverFinishesAreFailedWhenTheServerClosesWithAJournalNote() {
        server.stub("build").willHold();
        Job job = client.submitJob(new Job("build", "forgotten"));
        String handle = server.stub("build").awaitHeld(1).get(0).handle();
        server.close();
        assertThat(job.waitForCompletion(T).isFailure()).isTrue();
        assertThat(server.journal().events(JournalEvent.KitNote.class)).singleElement().satisfies(n -> {
            assertThat(n.handle()).isEqualTo(handle);
            assertThat(n.note()).isEqualTo("held by the stub for 'build' and never finished by the test: failed"
                    + " (WORK_FAIL) as the server closes");
        });
        assertThat(server.journal().jobs("build").get(0).state()).isEqualTo(JobState.FAILED);
    }
}
