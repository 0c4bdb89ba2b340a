package dev.gear.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.Precedence;
import dev.gear.Worker;
import dev.gear.server.FunctionStatus;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a new user hit in their first hour with the kit over plain TCP: registrations counted
 * once, journal wording, the text and precedence conveniences.
 */
class FirstHourRegressionTest {
    private static final Duration T = Duration.ofSeconds(10);
    private EmbeddedGearmanServer server;

    @BeforeEach
    void start() {
        server = EmbeddedGearmanServer.started();
    }

    @AfterEach
    void close() {
        server.close();
    }

    private long canDoEvents(String function) {
        return server.journal().events(JournalEvent.CanDo.class).stream().filter(e -> e.function().equals(function))
                .count();
    }

    private int registrations(String function) {
        return server.snapshot().function(function).map(FunctionStatus::workers).orElse(0);
    }

    @Test
    void theFirstStubRegistersOnceNotTwice() {
        server.stub("render").willComplete("PDF");

        assertThat(canDoEvents("render")).as("CAN_DO events for the first stub").isEqualTo(1);
        assertThat(registrations("render")).as("workers in the status row").isEqualTo(1);
        assertThat(server.snapshot().workers()).hasSize(1);
    }

    @Test
    void moreRulesAndMoreStubsAddNoRegistrations() {
        server.stub("render").willComplete("PDF");
        server.stub("render").when(p -> p.length == 0).willFail();
        server.stub("render").willRespond(StubResponse.complete("again"));
        server.stub("email").willComplete("sent");

        assertThat(canDoEvents("render")).isEqualTo(1);
        assertThat(canDoEvents("email")).isEqualTo(1);
        assertThat(registrations("render")).isEqualTo(1);
        assertThat(registrations("email")).isEqualTo(1);
    }

    @Test
    void aStubRegistersOnceAgainAfterRestart() {
        server.stub("render").willComplete("PDF");
        server.restart();

        assertThat(canDoEvents("render")).as("one before, one after the restart").isEqualTo(2);
        assertThat(registrations("render")).isEqualTo(1);
    }

    @Test
    void aClosedWorkerLeavesNoCantDoItNeverSent() {
        Worker worker = server.newWorker("w");
        worker.close();

        server.awaitCondition(() -> registrations("w") == 0 ? Optional.of(true) : Optional.empty(), T)
                .orElseThrow();
        server.awaitEvent(JournalEvent.ConnectionClosed.class, e -> !e.peer().stub(), T);
        assertThat(server.journal().events(JournalEvent.CantDo.class)).isEmpty();
        assertThat(server.dumpJournal()).doesNotContain("?]");
    }

    @Test
    void stubsAnswerTextAndSubmittedJobsReturnText() {
        server.stub("upper").willAnswerAsString(String::toUpperCase);
        server.stub("lower").when(p -> p.length > 0).willAnswerAsString(s -> s.toLowerCase());

        assertThat(server.submit("upper", "gear").awaitResultAsString(T)).isEqualTo("GEAR");
        assertThat(server.submit("lower", "GEAR").awaitResultAsString(T)).isEqualTo("gear");
        RecordedJob done = server.awaitJob(JobCriteria.function("upper").inState(JobState.COMPLETED), T);
        assertThat(done.payloadAsString()).isEqualTo("gear");
        assertThat(done.resultAsString()).isEqualTo("GEAR");
    }

    @Test
    void aJobThatDoesNotCompleteIsNamedWithFunctionAndPayload() {
        server.stub("render").willFail();
        SubmittedJob job = server.submit("render", "report.odt");

        assertThatThrownBy(() -> job.awaitResult(T))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Expected job " + job.handle()
                        + " for function 'render' with payload \"report.odt\" to complete, but it ended FAILED"
                        + " (worker sent WORK_FAIL):\n  #");
    }

    @Test
    void queuedJobsOfAFunctionWhateverTheirPrecedence() {
        try (Client client = server.newClient()) {
            client.submitJob(new Job("email", "low"), true, Precedence.LOW, T);
            client.submitJob(new Job("email", "high"), true, Precedence.HIGH, T);
            client.submitJob(new Job("other", "x"), true, Precedence.NORMAL, T);
        }

        assertThat(server.snapshot().queuedJobs("email")).extracting(j -> j.payloadString())
                .containsExactly("high", "low");
    }

    @Test
    void durationsReadAsPeopleWriteThem() {
        assertThat(StubResponse.builder().delay(Duration.ofMillis(300)).complete("x").toString())
                .contains("Delay[300 ms]");
        assertThat(GearFault.delay(Duration.ofMillis(1500)).toString()).isEqualTo("Delay[1.5 s]");
        assertThat(server.describeTimeout(Duration.ofMillis(300))).isEqualTo("300 ms");
        assertThatThrownBy(() -> server.awaitJob(JobCriteria.function("never"), Duration.ofMillis(50)))
                .hasMessageStartingWith("Timed out after 50 ms waiting for a job for function 'never'.");
    }

    @Test
    void theMultiplierIsShownWhereverATimeoutIs() {
        try (EmbeddedGearmanServer slow = EmbeddedGearmanServer.builder().timeoutMultiplier(3).build().start()) {
            assertThat(slow.timeoutMultiplier()).isEqualTo(3.0);
            assertThat(slow.describeTimeout(Duration.ofMillis(100))).isEqualTo("300 ms (100 ms × timeout multiplier 3)");
            assertThatThrownBy(() -> slow.awaitJob(JobCriteria.function("never"), Duration.ofMillis(20)))
                    .hasMessageStartingWith("Timed out after 60 ms (20 ms × timeout multiplier 3) waiting for");
        }
    }

    @Test
    void payloadDifferencesCountBytesFromZero() {
        assertThat(Payload.of("abc").describeDifference(Payload.of("abd")))
                .isEqualTo("differs at byte 2 (counting from 0): 0x63 here, 0x64 expected");
        assertThat(Payload.of("ab").describeDifference(Payload.of("abc")))
                .isEqualTo("differs at byte 2 (counting from 0): it ends there, 3 bytes expected");
        assertThat(Payload.of("abcd").describeDifference(Payload.of("ab")))
                .isEqualTo("differs at byte 2 (counting from 0): it goes on to 4 bytes, 2 expected");
        assertThat(Payload.of("ab").describeDifference(Payload.of("ab"))).isEqualTo("equal");
    }
}
