package dev.gear.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.Precedence;
import dev.gear.testkit.JobCriteria;
import dev.gear.testkit.JobState;
import dev.gear.testkit.Journal;
import dev.gear.testkit.JournalEvent;
import dev.gear.testkit.JournalEvent.JobAssigned;
import dev.gear.testkit.JournalEvent.JobCompleted;
import dev.gear.testkit.JournalEvent.JobRequeued;
import dev.gear.testkit.JournalEvent.JobSubmitted;
import dev.gear.testkit.JournalEvent.WorkData;
import dev.gear.testkit.Payload;
import dev.gear.testkit.PayloadFormat;
import dev.gear.testkit.Peer;
import dev.gear.testkit.RecordedJob;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JournalTest {
    private static final Peer CLIENT = new Peer(1, "127.0.0.1:4000", "web", false);
    private static final Peer WORKER = new Peer(2, "127.0.0.1:4001", null, false);

    private final EventJournal journal = new EventJournal(100, Clock.systemUTC());
    private final JournalWaits waits = new JournalWaits(journal, 1.0);

    private void submit(String handle, String function, String payload) {
        journal.append((seq, t) -> new JobSubmitted(seq, t, CLIENT, handle, function, "", Payload.of(payload),
                Precedence.NORMAL, false, false));
    }

    private void assign(String handle, String function) {
        journal.append((seq, t) -> new JobAssigned(seq, t, WORKER, handle, function));
    }

    private void complete(String handle, String function, String result) {
        journal.append((seq, t) -> new JobCompleted(seq, t, WORKER, handle, function, Payload.of(result)));
    }

    @Test
    void sequencesGrowAndTheCapDropsTheOldestAndCountsThem() {
        EventJournal small = new EventJournal(3, Clock.systemUTC());
        for (int i = 0; i < 5; i++) {
            small.append((seq, t) -> new JournalEvent.CanDo(seq, t, WORKER, "f"));
        }
        Journal j = small.snapshot();
        assertThat(j.events()).extracting(JournalEvent::sequence).containsExactly(3L, 4L, 5L);
        assertThat(j.dropped()).isEqualTo(2);
        assertThat(j.dump()).contains("2 older event(s) dropped (cap 3)");

        small.clear();
        small.append((seq, t) -> new JournalEvent.CanDo(seq, t, WORKER, "f"));
        assertThat(small.snapshot().dropped()).isZero();
        assertThat(small.snapshot().events()).extracting(JournalEvent::sequence).containsExactly(6L);
    }

    @Test
    void snapshotsAreImmutableCopies() {
        submit("H:1", "resize", "a");
        Journal before = journal.snapshot();
        submit("H:2", "resize", "b");
        assertThat(before.events()).hasSize(1);
        assertThatThrownBy(() -> before.events().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void foldsEventsIntoJobs() {
        submit("H:1", "resize", "a.png");
        assign("H:1", "resize");
        journal.append((seq, t) -> new WorkData(seq, t, WORKER, "H:1", Payload.of("half")));
        journal.append((seq, t) -> new JobRequeued(seq, t, "H:1", "resize", "worker lost"));
        assign("H:1", "resize");
        complete("H:1", "resize", "ok");
        submit("H:2", "resize", "b.png");

        var jobs = journal.snapshot().jobs();
        assertThat(jobs).hasSize(2);
        RecordedJob first = jobs.get(0);
        assertThat(first.state()).isEqualTo(JobState.COMPLETED);
        assertThat(first.attempts()).isEqualTo(2);
        assertThat(first.resultAsString()).isEqualTo("ok");
        assertThat(first.data()).containsExactly(Payload.of("half"));
        assertThat(first.submitter()).isEqualTo(CLIENT);
        assertThat(jobs.get(1).state()).isEqualTo(JobState.QUEUED);
    }

    @Test
    void aReusedHandleAfterTheJobEndedIsANewJob() {
        submit("H:1", "resize", "a");
        complete("H:1", "resize", "x");
        submit("H:1", "resize", "b");
        assertThat(journal.snapshot().jobs()).extracting(RecordedJob::payloadAsString).containsExactly("a", "b");
    }

    @Test
    void dumpRendersPayloadsAsTextOrHex() {
        submit("H:1", "resize", "hello");
        journal.append((seq, t) -> new WorkData(seq, t, WORKER, "H:1", Payload.of(new byte[] {0, 1, (byte) 0xff})));
        String auto = journal.snapshot().dump();
        assertThat(auto).contains("#1 ").contains("JobSubmitted").contains("payload=\"hello\"")
                .contains("data=0x0001ff").contains("submitter=[conn#1 127.0.0.1:4000 CN=web]");
        assertThat(journal.snapshot().dump(PayloadFormat.HEX)).contains("payload=0x68656c6c6f");
    }

    @Test
    void awaitJobWakesOnTheEventThatSatisfiesIt() throws Exception {
        submit("H:1", "resize", "a");
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<RecordedJob> done = CompletableFuture.supplyAsync(() -> {
            waiting.countDown();
            return waits.awaitJob(JobCriteria.function("resize").inState(JobState.COMPLETED), Duration.ofSeconds(10));
        });
        waiting.await(5, TimeUnit.SECONDS);
        assign("H:1", "resize");
        assertThat(done).isNotDone();
        complete("H:1", "resize", "ok");
        assertThat(done.get(5, TimeUnit.SECONDS).resultAsString()).isEqualTo("ok");
    }

    @Test
    void aFailedWaitNamesTheClosestJobAndListsWhatWasSeen() {
        submit("H:1", "resize", "a.png");
        submit("H:2", "thumbnail", "a.png");
        assertThatThrownBy(() -> waits.awaitJob(
                JobCriteria.function("resize").withPayload("b.png").inState(JobState.COMPLETED), Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Timed out after 50 ms waiting for a job for function 'resize' with payload "
                        + "\"b.png\" in state COMPLETED")
                .hasMessageContaining("Closest: #1 resize H:1 QUEUED")
                .hasMessageContaining("payload differs at byte 0 (counting from 0): 0x61 here, 0x62 expected; expected \"b.png\"")
                .hasMessageContaining("state is QUEUED, expected COMPLETED")
                .hasMessageContaining("Jobs seen (2):")
                .hasMessageContaining("thumbnail H:2");
    }

    @Test
    void takeJobHandsOutEachJobOnceInSubmissionOrder() throws Exception {
        submit("H:1", "resize", "a");
        submit("H:2", "other", "x");
        submit("H:3", "resize", "b");
        assertThat(waits.takeJob("resize", Duration.ofSeconds(1)).payloadAsString()).isEqualTo("a");
        assertThat(waits.takeJob("resize", Duration.ofSeconds(1)).payloadAsString()).isEqualTo("b");
        CompletableFuture<RecordedJob> third = CompletableFuture.supplyAsync(
                () -> waits.takeJob("resize", Duration.ofSeconds(10)));
        submit("H:4", "resize", "c");
        assertThat(third.get(5, TimeUnit.SECONDS).payloadAsString()).isEqualTo("c");
        assertThatThrownBy(() -> waits.takeJob("resize", Duration.ofMillis(20)))
                .hasMessageContaining("waiting for a new job for function 'resize' (already taken: 3)");
    }

    @Test
    void theMultiplierScalesTimeoutsAndIsNamedInMessages() {
        JournalWaits slow = new JournalWaits(journal, 2.0);
        assertThat(slow.scale(Duration.ofMillis(10))).isEqualTo(Duration.ofMillis(20));
        assertThatThrownBy(() -> slow.takeJob("x", Duration.ofMillis(10)))
                .hasMessageContaining("after 20 ms (10 ms × timeout multiplier 2)");
        assertThatThrownBy(() -> new JournalWaits(journal, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void interruptionRestoresTheFlag() {
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> waits.takeJob("x", Duration.ofSeconds(5)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
