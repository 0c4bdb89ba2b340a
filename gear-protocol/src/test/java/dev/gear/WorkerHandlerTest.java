package dev.gear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.server.Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Functions registered with a {@link JobHandler}: the worker grabs for them on its own, runs them
 * where its builder says, never holds more than {@code maxConcurrentJobs}, and ends every job a
 * handler leaves open. Against our real server on loopback.
 */
class WorkerHandlerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Server server;
    private Client client;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeEach
    void start() {
        server = Server.builder().listenAddress("127.0.0.1").port(0).build().start();
        client = new Client("handler-test-client");
        client.addServer("127.0.0.1", server.port());
        client.waitForServer(TIMEOUT);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        client.close();
        server.close();
    }

    private Worker worker(Worker.Builder builder) {
        Worker worker = builder.build();
        closeAfter.add(0, worker);
        worker.addServer("127.0.0.1", server.port());
        return worker;
    }

    private Job run(String function, String arguments) {
        Job job = new Job(function, arguments);
        client.submitJob(job);
        return job.waitForCompletion(TIMEOUT);
    }

    @Test
    void handlerOnTheWorkersOwnThreadAnswersJobs() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Worker worker = worker(Worker.builder().clientId("pool-worker"));
        worker.registerFunction("reverse", job -> {
            threads.add(Thread.currentThread().getName());
            job.sendWorkComplete(new StringBuilder(job.argumentsAsString()).reverse().toString());
        });
        for (int i = 0; i < 20; i++) {
            Job job = run("reverse", "abc" + i);
            assertThat(job.isFailure()).isFalse();
            assertThat(job.dataAsString()).isEqualTo(new StringBuilder("abc" + i).reverse().toString());
        }
        assertThat(threads).containsExactly("gear-worker-pool-worker-handler-1");
    }

    @Test
    void handlerOnTheIoThreadAnswersJobsWithoutAnotherThread() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Worker worker = worker(Worker.builder().clientId("io-worker").runHandlersOnIoThread());
        worker.registerFunction("echo", job -> {
            threads.add(Thread.currentThread().getName());
            job.sendWorkData("half");
            job.sendWorkComplete(job.arguments());
        });
        for (int i = 0; i < 50; i++) {
            Job job = run("echo", "payload-" + i);
            // WORK_DATA, then WORK_COMPLETE's data, in order
            assertThat(job.data()).extracting(String::new).containsExactly("half", "payload-" + i);
        }
        assertThat(threads).containsExactly("gear-worker-io-worker");
    }

    @Test
    void handlerOnAGivenExecutorRunsThere() throws InterruptedException {
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> new Thread(r, "users-own-thread"));
        try {
            Set<String> threads = ConcurrentHashMap.newKeySet();
            Worker worker = worker(Worker.builder().clientId("exec-worker").handlerExecutor(executor));
            worker.registerFunction("echo", job -> {
                threads.add(Thread.currentThread().getName());
                job.sendWorkComplete(job.arguments());
            });
            assertThat(run("echo", "x").dataAsString()).isEqualTo("x");
            assertThat(threads).containsExactly("users-own-thread");
            worker.close();
            assertThat(executor.isShutdown()).as("the worker must not shut down an executor it was given").isFalse();
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aHandlerThatThrowsEndsItsJobWithWorkException() {
        Worker worker = worker(Worker.builder().clientId("thrower"));
        worker.registerFunction("boom", job -> {
            throw new IllegalArgumentException("no such order: " + job.argumentsAsString());
        });
        Job job = run("boom", "42");
        assertThat(job.isFailure()).isTrue();
        assertThat(job.exceptionAsString()).isEqualTo("java.lang.IllegalArgumentException: no such order: 42");
        // The slot is free again: the next job is taken too.
        assertThat(run("boom", "43").exceptionAsString()).endsWith("no such order: 43");
    }

    @Test
    void aHandlerThatReturnsWithoutEndingItsJobFailsIt() {
        Worker worker = worker(Worker.builder().clientId("forgetful").runHandlersOnIoThread());
        worker.registerFunction("forget", job -> job.sendWorkStatus(1, 2));
        Job job = run("forget", "x");
        assertThat(job.isFailure()).isTrue();
        assertThat(job.exception()).isNull();
        assertThat(job.numerator()).isEqualTo("1");
    }

    @Test
    void noMoreThanMaxConcurrentJobsRunAtOnce() throws Exception {
        int max = 3;
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(max);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        Worker worker = worker(Worker.builder().clientId("bounded").maxConcurrentJobs(max));
        worker.registerFunction("slow", job -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            started.countDown();
            release.await();
            running.decrementAndGet();
            job.sendWorkComplete();
        });
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Job job = new Job("slow", "j" + i);
            client.submitJob(job);
            jobs.add(job);
        }
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        // The server says how many the worker took: exactly max, the rest still queued for it.
        assertThat(server.snapshot().function("slow").orElseThrow().running()).isEqualTo(max);
        assertThat(server.snapshot().function("slow").orElseThrow().queued()).isEqualTo(8 - max);
        release.countDown();
        for (Job job : jobs) {
            assertThat(job.waitForCompletion(TIMEOUT).isFailure()).isFalse();
        }
        assertThat(mostAtOnce.get()).isEqualTo(max);
    }

    @Test
    void handlersAndGetJobShareAWorker() {
        Worker worker = worker(Worker.builder().clientId("mixed"));
        worker.registerFunction("handled", job -> job.sendWorkComplete("by handler"));
        worker.registerFunction("fetched");
        Job handled = run("handled", "a");
        assertThat(handled.dataAsString()).isEqualTo("by handler");
        Job fetched = new Job("fetched", "b");
        client.submitJob(fetched);
        WorkerJob job = worker.getJob(TIMEOUT);
        assertThat(job.name()).isEqualTo("fetched");
        job.sendWorkComplete("by getJob");
        assertThat(fetched.waitForCompletion(TIMEOUT).dataAsString()).isEqualTo("by getJob");
    }

    @Test
    void registeringWithoutAHandlerSendsTheJobsToGetJobAgain() {
        Worker worker = worker(Worker.builder().clientId("switcher"));
        worker.registerFunction("f", job -> job.sendWorkComplete("handler"));
        assertThat(run("f", "1").dataAsString()).isEqualTo("handler");
        worker.registerFunction("f");
        Job job = new Job("f", "2");
        client.submitJob(job);
        WorkerJob fetched = worker.getJob(TIMEOUT);
        fetched.sendWorkComplete("getJob");
        assertThat(job.waitForCompletion(TIMEOUT).dataAsString()).isEqualTo("getJob");
    }

    @Test
    void aBlockingCallInAHandlerOnTheIoThreadIsRefusedNotHung() {
        Worker worker = worker(Worker.builder().clientId("blocker").runHandlersOnIoThread());
        worker.registerFunction("nested", job -> {
            Job inner = new Job("other", "x");
            client.submitJob(inner); // blocking: on an I/O thread this must fail at once
            job.sendWorkComplete();
        });
        Job job = run("nested", "x");
        assertThat(job.isFailure()).isTrue();
        assertThat(job.exceptionAsString()).startsWith("java.lang.IllegalStateException: submitting other would block "
                + "the gear I/O thread gear-worker-blocker");
    }

    @Test
    void aJobHeldByAHandlerWhenTheWorkerClosesGoesBackToTheServer() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch lateAnswerRefused = new CountDownLatch(1);
        Worker first = worker(Worker.builder().clientId("leaver"));
        first.registerFunction("held", job -> {
            started.countDown();
            release.await();
            try {
                job.sendWorkComplete("from the closed worker");
            } catch (ConnectionException expected) {
                lateAnswerRefused.countDown();
                throw expected;
            }
        });
        // A background job: the server requeues it when its worker goes (a foreground one fails).
        Job job = new Job("held", "keep me");
        client.submitJob(job, true, Precedence.NORMAL, TIMEOUT);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        first.close();
        release.countDown();
        assertThat(lateAnswerRefused.await(10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch secondGotIt = new CountDownLatch(1);
        List<String> arguments = new ArrayList<>();
        Worker second = worker(Worker.builder().clientId("taker"));
        second.registerFunction("held", j -> {
            arguments.add(j.argumentsAsString());
            j.sendWorkComplete();
            secondGotIt.countDown();
        });
        assertThat(secondGotIt.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(arguments).containsExactly("keep me");
    }

    @Test
    void builderRefusesAnImpossibleConcurrency() {
        assertThatThrownBy(() -> Worker.builder().maxConcurrentJobs(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxConcurrentJobs must be at least 1, was 0");
    }
}
