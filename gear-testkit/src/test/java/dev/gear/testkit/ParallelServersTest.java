package dev.gear.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.Worker;
import dev.gear.WorkerJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two test servers in one JVM, driven from parallel threads with the same function names, stay apart. */
class ParallelServersTest {
    private static final Duration T = Duration.ofSeconds(10);
    private static final int JOBS = 50;

    @Test
    void twoServersNeverSeeEachOthersJobs() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (EmbeddedGearmanServer a = EmbeddedGearmanServer.builder().name("a").build().start();
                EmbeddedGearmanServer b = EmbeddedGearmanServer.builder().name("b").build().start()) {
            assertThat(a.port()).isNotEqualTo(b.port());
            List<Future<?>> work = new ArrayList<>();
            for (EmbeddedGearmanServer s : List.of(a, b)) {
                String tag = s == a ? "a" : "b";
                // a real worker and a real client per server, same function name on both
                CountDownLatch clientDone = new CountDownLatch(1);
                work.add(pool.submit(workerLoop(s, clientDone)));
                work.add(pool.submit(() -> {
                    try (Client client = s.newClient()) {
                        for (int i = 0; i < JOBS; i++) {
                            Job job = client.submitJob(new Job("resize", tag + i));
                            assertThat(job.waitForCompletion(T).dataAsString()).isEqualTo("done " + tag + i);
                        }
                    } finally {
                        clientDone.countDown();
                    }
                    return null;
                }));
                work.add(pool.submit(() -> {
                    s.stub("thumb").willAnswer(p -> p);
                    for (int i = 0; i < JOBS; i++) {
                        s.submit("thumb", tag + i).awaitResult(T);
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
            for (EmbeddedGearmanServer s : List.of(a, b)) {
                String tag = s == a ? "a" : "b";
                List<RecordedJob> jobs = s.journal().jobs();
                assertThat(jobs).hasSize(2 * JOBS);
                assertThat(jobs).allSatisfy(j -> assertThat(j.payloadAsString()).startsWith(tag));
                assertThat(jobs).allSatisfy(j -> assertThat(j.state()).isEqualTo(JobState.COMPLETED));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A real worker answering JOBS "resize" jobs, checking each is its own server's. */
    private static Callable<Void> workerLoop(EmbeddedGearmanServer s, CountDownLatch clientDone) {
        return () -> {
            String tag = s.toString().contains("[a ") ? "a" : "b";
            try (Worker worker = s.newWorker("resize")) {
                int done = 0;
                while (done < JOBS) {
                    WorkerJob job = worker.getJob(T);
                    assertThat(job.argumentsAsString()).startsWith(tag);
                    job.sendWorkComplete("done " + job.argumentsAsString());
                    done++;
                }
                // Close only after the client has its last result: closing right after
                // sendWorkComplete may drop the unflushed packet (reported to the client branch).
                assertThat(clientDone.await(T.toSeconds(), TimeUnit.SECONDS)).isTrue();
            }
            return null;
        };
    }
}
