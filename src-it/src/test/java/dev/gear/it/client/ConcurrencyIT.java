package dev.gear.it.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Client;
import dev.gear.ClientListener;
import dev.gear.Job;
import dev.gear.Worker;
import dev.gear.WorkerInterruptedException;
import dev.gear.WorkerJob;
import dev.gear.it.support.ServerLauncher;
import dev.gear.it.support.ServerUnderTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** Many threads on one Client: every job gets its own handle and its own result, exactly once. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.gear.it.support.ServersUnderTest#perImplementation")
class ConcurrencyIT {
    @Parameter
    ServerLauncher launcher;

    private static final int THREADS = 16;
    private static final int JOBS_PER_THREAD = 1000;
    private static final int WORKERS = 4;

    @RegisterExtension
    final Fixture fx = new Fixture();

    @Test
    void sixteenThreadsThousandJobsEachFourWorkers() throws Exception {
        ServerUnderTest server = fx.server(launcher);
        Map<Job, AtomicInteger> completions = new ConcurrentHashMap<>();
        Client client = fx.add(Client.builder().clientId("many").listener(new ClientListener() {
            @Override
            public void onWorkComplete(Job job) {
                completions.computeIfAbsent(job, j -> new AtomicInteger()).incrementAndGet();
            }
        }).build());
        client.addServer("127.0.0.1", server.port());
        client.waitForServer(Fixture.TIMEOUT);

        List<Worker> workers = new ArrayList<>();
        List<CompletableFuture<Integer>> served = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            Worker worker = fx.worker(server);
            worker.registerFunction("echo-id");
            workers.add(worker);
            served.add(fx.async(() -> {
                int n = 0;
                while (true) {
                    WorkerJob job;
                    try {
                        job = worker.getJob();
                    } catch (WorkerInterruptedException stopped) {
                        return n;
                    }
                    job.sendWorkData("r:");
                    job.sendWorkComplete(job.argumentsAsString());
                    n++;
                }
            }));
        }

        List<CompletableFuture<List<Job>>> submitters = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            submitters.add(fx.async(() -> {
                List<Job> jobs = new ArrayList<>(JOBS_PER_THREAD);
                for (int i = 0; i < JOBS_PER_THREAD; i++) {
                    jobs.add(client.submitJob(new Job("echo-id", thread + "-" + i)));
                }
                return jobs;
            }));
        }
        List<Job> all = new ArrayList<>();
        for (CompletableFuture<List<Job>> s : submitters) {
            all.addAll(s.get(120, TimeUnit.SECONDS));
        }
        CompletableFuture.allOf(all.stream().map(Job::completion).toArray(CompletableFuture[]::new))
                .get(120, TimeUnit.SECONDS);

        Set<String> handles = new HashSet<>();
        for (Job job : all) {
            assertThat(job.isFailure()).as(job.failureReason()).isFalse();
            assertThat(job.dataAsString()).isEqualTo("r:" + job.argumentsAsString());
            assertThat(handles.add(job.handle())).as("handle %s given twice", job.handle()).isTrue();
        }
        assertThat(all).hasSize(THREADS * JOBS_PER_THREAD);
        assertThat(completions).hasSize(THREADS * JOBS_PER_THREAD);
        assertThat(completions.values()).allSatisfy(c -> assertThat(c.get()).isEqualTo(1));

        workers.forEach(Worker::stopWaitingForJobs);
        int total = 0;
        for (CompletableFuture<Integer> s : served) {
            total += s.get(20, TimeUnit.SECONDS);
        }
        assertThat(total).isEqualTo(THREADS * JOBS_PER_THREAD);
    }

}
