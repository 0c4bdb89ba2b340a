package dev.gear.it.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.Precedence;
import dev.gear.StatusAdminRequest;
import dev.gear.StatusRow;
import dev.gear.Worker;
import dev.gear.WorkerInterruptedException;
import dev.gear.WorkerJob;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** gear's functional scenarios (gear-api.md §7), against every server in {@link TestServer#all()}. */
class FunctionalIT {
    private final Fixture fx = new Fixture();

    static List<TestServer.Kind> servers() {
        return TestServer.all();
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @ParameterizedTest
    @MethodSource("servers")
    void jobWithDataAndCompletion(TestServer.Kind kind) {
        TestServer server = fx.server(kind);
        Client client = fx.client(server);
        Worker worker = fx.worker(server);
        worker.registerFunction("test");
        for (int i = 0; i < 2; i++) {
            Job job = client.submitJob(new Job("test", "testdata".getBytes(StandardCharsets.UTF_8)));
            assertThat(job.handle()).isNotNull();
            WorkerJob wj = worker.getJob(Fixture.TIMEOUT);
            assertThat(wj.handle()).isEqualTo(job.handle());
            assertThat(wj.arguments()).isEqualTo("testdata".getBytes(StandardCharsets.UTF_8));
            assertThat(wj.unique()).isNull();
            wj.sendWorkData("workdata".getBytes(StandardCharsets.UTF_8));
            wj.sendWorkComplete();
            job.waitForCompletion(Fixture.TIMEOUT);
            assertThat(job.isComplete()).isTrue();
            assertThat(job.isFailure()).isFalse();
            assertThat(job.data()).containsExactly("workdata".getBytes(StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @MethodSource("servers")
    void backgroundJobRunsAfterTheClientShutDown(TestServer.Kind kind) {
        TestServer server = fx.server(kind);
        Client client = fx.client(server);
        Worker worker = fx.worker(server);
        worker.registerFunction("test");
        Job job = client.submitJob(new Job("test", "testdata"), true, Precedence.NORMAL, Fixture.TIMEOUT);
        assertThat(job.handle()).isNotNull();
        assertThat(job.isBackground()).isTrue();
        client.shutdown();
        WorkerJob wj = worker.getJob(Fixture.TIMEOUT);
        assertThat(wj.handle()).isEqualTo(job.handle());
        assertThat(wj.argumentsAsString()).isEqualTo("testdata");
        wj.sendWorkData("workdata");
        wj.sendWorkComplete();
        assertThat(job.isComplete()).as("background jobs never end on the client").isFalse();
    }

    @ParameterizedTest
    @MethodSource("servers")
    void stopWaitingForJobsInterruptsGetJob(TestServer.Kind kind) throws Exception {
        TestServer server = fx.server(kind);
        Worker worker = fx.worker(server);
        worker.registerFunction("test");
        CompletableFuture<WorkerJob> waiting = fx.async(worker::getJob);
        awaitInterrupted(worker, waiting);
        // The worker is still usable afterwards.
        Client client = fx.client(server);
        Job job = client.submitJob(new Job("test", "again"));
        WorkerJob wj = worker.getJob(Fixture.TIMEOUT);
        assertThat(wj.handle()).isEqualTo(job.handle());
        wj.sendWorkComplete("done");
        assertThat(job.waitForCompletion(Fixture.TIMEOUT).dataAsString()).isEqualTo("done");
    }

    /** Calls stopWaitingForJobs until the waiting call has seen it (it may not be waiting yet). */
    static void awaitInterrupted(Worker worker, CompletableFuture<WorkerJob> waiting) throws Exception {
        long deadline = System.nanoTime() + Fixture.TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            worker.stopWaitingForJobs();
            try {
                waiting.get(50, TimeUnit.MILLISECONDS);
                throw new AssertionError("getJob returned a job instead of being interrupted");
            } catch (TimeoutException notYetWaiting) {
                continue;
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(WorkerInterruptedException.class)
                        .hasMessageContaining("stopWaitingForJobs");
                return;
            }
        }
        throw new AssertionError("getJob was not interrupted within " + Fixture.TIMEOUT);
    }

    @ParameterizedTest
    @MethodSource("servers")
    void textJob(TestServer.Kind kind) {
        TestServer server = fx.server(kind);
        Client client = fx.client(server);
        Worker worker = fx.worker(server);
        worker.registerFunction("test");
        Job job = client.submitJob(new Job("test", "testdätä"));
        WorkerJob wj = worker.getJob(Fixture.TIMEOUT);
        assertThat(wj.name()).isEqualTo("test");
        assertThat(wj.argumentsAsString()).isEqualTo("testdätä");
        wj.sendWorkData("workdätä");
        wj.sendWorkComplete();
        assertThat(job.waitForCompletion(Fixture.TIMEOUT).dataAsString()).isEqualTo("workdätä");
    }

    @ParameterizedTest
    @MethodSource("servers")
    void uniqueIsPreserved(TestServer.Kind kind) {
        TestServer server = fx.server(kind);
        Client client = fx.client(server);
        Worker worker = fx.worker(server);
        worker.registerFunction("test");
        String unique = UUID.randomUUID().toString();
        Job job = client.submitJob(new Job("test", "testdata", unique));
        WorkerJob wj = worker.getJob(Fixture.TIMEOUT);
        assertThat(wj.unique()).isEqualTo(unique);
        assertThat(job.unique()).isEqualTo(unique);
        wj.sendWorkComplete();
        job.waitForCompletion(Fixture.TIMEOUT);
    }

    @ParameterizedTest
    @MethodSource("servers")
    void exceptionIsForwardedToClientsThatAskForIt(TestServer.Kind kind) {
        TestServer server = fx.server(kind);
        Client plain = fx.client(server);
        Client optedIn = fx.client(server);
        optedIn.setOption("exceptions");
        Worker worker = fx.worker(server);
        worker.registerFunction("test");

        Job withOption = optedIn.submitJob(new Job("test", "a"));
        worker.getJob(Fixture.TIMEOUT).sendWorkException("work failed");
        withOption.waitForCompletion(Fixture.TIMEOUT);
        assertThat(withOption.isComplete()).isTrue();
        assertThat(withOption.isFailure()).isTrue();
        assertThat(withOption.exceptionAsString()).isEqualTo("work failed");

        Job without = plain.submitJob(new Job("test", "b"));
        worker.getJob(Fixture.TIMEOUT).sendWorkException("work failed");
        without.waitForCompletion(Fixture.TIMEOUT);
        assertThat(without.isFailure()).isTrue();
        if (kind == TestServer.Kind.GEARMAND) {
            // gearmand turns it into WORK_FAIL (with a trailing NUL after the handle) for such clients.
            assertThat(without.exception()).isNull();
            assertThat(without.failureReason()).contains("WORK_FAIL");
        } else {
            // Our server forwards WORK_EXCEPTION as gear does.
            assertThat(without.exceptionAsString()).isEqualTo("work failed");
        }
    }

    @ParameterizedTest
    @MethodSource("servers")
    void grabJobAfterLateRegister(TestServer.Kind kind) throws Exception {
        TestServer server = fx.server(kind);
        Client client = fx.client(server);
        Worker worker = fx.worker(server);
        Job job = client.submitJob(new Job("late", "testdata"));
        CompletableFuture<WorkerJob> waiting = fx.async(() -> worker.getJob(Fixture.TIMEOUT));
        StatusRow row = client.getConnection().sendAdminRequest(new StatusAdminRequest(), Fixture.TIMEOUT).rows()
                .stream().filter(r -> r.function().equals("late")).findFirst().orElseThrow();
        assertThat(row.total()).isEqualTo(1);
        assertThat(row.running()).isZero();
        assertThat(job.isComplete()).isFalse();

        worker.registerFunction("late");
        WorkerJob wj = waiting.get(Fixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(wj.handle()).isEqualTo(job.handle());
        wj.sendWorkComplete("ok");
        assertThat(job.waitForCompletion(Fixture.TIMEOUT).dataAsString()).isEqualTo("ok");
    }

    @ParameterizedTest
    @MethodSource("servers")
    void getJobAfterShutdownThrows(TestServer.Kind kind) {
        TestServer server = fx.server(kind);
        Worker worker = fx.worker(server);
        worker.shutdown();
        assertThatThrownBy(worker::getJob).isInstanceOf(WorkerInterruptedException.class);
        worker.shutdown(); // a second shutdown is harmless
    }
}
