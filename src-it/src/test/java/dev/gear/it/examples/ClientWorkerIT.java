package dev.gear.it.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.Precedence;
import dev.gear.Worker;
import dev.gear.WorkerJob;
import dev.gear.server.Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The library without the test kit: a server embedded in the JVM (it could as well be gearmand or
 * {@code geard} elsewhere), a worker answering {@code reverse} (from a thread in {@code getJob}, or
 * through a {@code JobHandler}), and a client waiting for the result.
 */
class ClientWorkerIT {
    // quick-start:library:begin
    @Test
    void clientSubmitsAndWorkerAnswers() throws Exception {
        try (Server server = Server.builder().listenAddress("127.0.0.1").port(0).build().start();
             Worker worker = new Worker("reverser");
             Client client = new Client("my-app")) {
            worker.addServer("127.0.0.1", server.port());
            worker.registerFunction("reverse");
            CompletableFuture<Void> serving = CompletableFuture.runAsync(() -> {
                WorkerJob job = worker.getJob(Duration.ofSeconds(10));
                job.sendWorkStatus(1, 2);
                job.sendWorkComplete(new StringBuilder(job.argumentsAsString()).reverse().toString());
            });

            client.addServer("127.0.0.1", server.port());
            client.waitForServer(Duration.ofSeconds(10));
            Job job = client.submitJob(new Job("reverse", "hello"));       // returns at JOB_CREATED
            job.waitForCompletion(Duration.ofSeconds(10));                  // or job.completion(), a CompletableFuture

            assertThat(job.isFailure()).isFalse();
            assertThat(job.dataAsString()).isEqualTo("olleh");
            serving.get(10, TimeUnit.SECONDS);
        }
    }
    // quick-start:library:end

    // quick-start:handler:begin
    @Test
    void workerAnswersThroughAHandler() {
        try (Server server = Server.builder().listenAddress("127.0.0.1").port(0).build().start();
             Worker worker = Worker.builder().clientId("reverser").maxConcurrentJobs(4).build();
             Client client = new Client("my-app")) {
            worker.addServer("127.0.0.1", server.port());
            worker.registerFunction("reverse",                             // the worker fetches jobs itself
                    job -> job.sendWorkComplete(new StringBuilder(job.argumentsAsString()).reverse().toString()));

            client.addServer("127.0.0.1", server.port());
            client.waitForServer(Duration.ofSeconds(10));
            List<CompletableFuture<Job>> results = new ArrayList<>();
            for (String word : List.of("hello", "gear", "java")) {
                results.add(client.submitJobAsync(new Job("reverse", word), false, Precedence.NORMAL,
                        Duration.ofSeconds(10)).thenCompose(Job::completion));
            }

            assertThat(results).extracting(f -> f.orTimeout(10, TimeUnit.SECONDS).join().dataAsString())
                    .containsExactly("olleh", "raeg", "avaj");
        }
    }
    // quick-start:handler:end
}
