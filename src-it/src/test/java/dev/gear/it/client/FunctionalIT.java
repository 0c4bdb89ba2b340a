package dev.gear.it.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.CancelJobAdminRequest;
import dev.gear.Client;
import dev.gear.ClientListener;
import dev.gear.Job;
import dev.gear.Precedence;
import dev.gear.StatusAdminRequest;
import dev.gear.StatusRow;
import dev.gear.Worker;
import dev.gear.WorkerInterruptedException;
import dev.gear.WorkerJob;
import dev.gear.it.support.ServerLauncher;
import dev.gear.it.support.ServerUnderTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * gear's functional scenarios (gear-api.md §7), against every server in {@code ServersUnderTest},
 * over plain TCP and, against our server, over TLS with client certificates (gear runs its
 * functional tests in both modes).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.gear.it.support.ServersUnderTest#perImplementationPlainAndTls")
class FunctionalIT {
    @Parameter
    ServerLauncher launcher;

    @RegisterExtension
    final Fixture fx = new Fixture();

    @Test
    void jobWithDataAndCompletion() {
        ServerUnderTest server = fx.server(launcher);
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

    @Test
    void backgroundJobRunsAfterTheClientShutDown() {
        ServerUnderTest server = fx.server(launcher);
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

    @Test
    void stopWaitingForJobsInterruptsGetJob() throws Exception {
        ServerUnderTest server = fx.server(launcher);
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

    @Test
    void textJob() {
        ServerUnderTest server = fx.server(launcher);
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

    @Test
    void uniqueIsPreserved() {
        ServerUnderTest server = fx.server(launcher);
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

    @Test
    void exceptionIsForwardedToClientsThatAskForIt() {
        ServerUnderTest server = fx.server(launcher);
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
        if (launcher.kind() == ServerUnderTest.Kind.GEARMAND) {
            // gearmand turns it into WORK_FAIL (with a trailing NUL after the handle) for such clients.
            assertThat(without.exception()).isNull();
            assertThat(without.failureReason()).contains("WORK_FAIL");
        } else {
            // Our server forwards WORK_EXCEPTION as gear does.
            assertThat(without.exceptionAsString()).isEqualTo("work failed");
        }
    }

    @Test
    void grabJobAfterLateRegister() throws Exception {
        ServerUnderTest server = fx.server(launcher);
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

    /** WORK_STATUS and WORK_WARNING reach the Job, and GET_STATUS follows it from queued to running to gone. */
    @Test
    void progressWarningAndGetStatusReachTheJob() throws Exception {
        ServerUnderTest server = fx.server(launcher);
        CompletableFuture<Job> statusArrived = new CompletableFuture<>();
        CompletableFuture<Job> warningArrived = new CompletableFuture<>();
        Client client = fx.add(Client.builder().listener(new ClientListener() {
            @Override
            public void onWorkStatus(Job job) {
                statusArrived.complete(job);
            }

            @Override
            public void onWorkWarning(Job job, byte[] data) {
                warningArrived.complete(job);
            }
        }).build());
        server.addTo(client, "test-client");
        client.waitForServer(Fixture.TIMEOUT);
        Worker worker = fx.worker(server);
        worker.registerFunction("progress");

        Job job = client.submitJob(new Job("progress", "x"));
        client.getStatus(job, Fixture.TIMEOUT);
        assertThat(job.known()).isTrue();
        assertThat(job.running()).isFalse();

        WorkerJob wj = worker.getJob(Fixture.TIMEOUT);
        wj.sendWorkStatus(1, 4);
        statusArrived.get(Fixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(job.fractionComplete()).isEqualTo(0.25);
        client.getStatus(job, Fixture.TIMEOUT);
        assertThat(job.known()).isTrue();
        assertThat(job.running()).isTrue();
        assertThat(job.numerator()).isEqualTo("1");
        assertThat(job.denominator()).isEqualTo("4");

        wj.sendWorkWarning("careful");
        warningArrived.get(Fixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(job.isWarning()).isTrue();
        wj.sendWorkComplete("done");
        job.waitForCompletion(Fixture.TIMEOUT);
        assertThat(job.dataAsString()).isEqualTo("carefuldone");
        assertThat(job.isFailure()).isFalse();

        client.getStatus(job, Fixture.TIMEOUT);
        assertThat(job.known()).as("a finished job is forgotten").isFalse();
        assertThat(job.running()).isFalse();
    }

    /**
     * A worker that disconnects mid-job: our server fails the foreground job at once (WORK_FAIL,
     * {@code WorkerLossPolicy.DEFAULT}); gearmand requeues it silently and another worker finishes
     * it (docs/differences.md, "worker lost mid-job").
     */
    @Test
    void workerLostMidJob() {
        ServerUnderTest server = fx.server(launcher);
        Client client = fx.client(server);
        Worker doomed = fx.worker(server);
        doomed.registerFunction("fragile");
        Job job = client.submitJob(new Job("fragile", "x"));
        assertThat(doomed.getJob(Fixture.TIMEOUT).handle()).isEqualTo(job.handle());
        doomed.shutdown();

        if (launcher.kind() == ServerUnderTest.Kind.GEAR_JAVA) {
            job.waitForCompletion(Fixture.TIMEOUT);
            assertThat(job.isFailure()).isTrue();
            assertThat(job.failureReason()).contains("WORK_FAIL");
        } else {
            Worker rescuer = fx.worker(server);
            rescuer.registerFunction("fragile");
            WorkerJob again = rescuer.getJob(Fixture.TIMEOUT);
            assertThat(again.handle()).isEqualTo(job.handle());
            again.sendWorkComplete("rescued");
            assertThat(job.waitForCompletion(Fixture.TIMEOUT).dataAsString()).isEqualTo("rescued");
            assertThat(job.isFailure()).isFalse();
        }
    }

    /** {@code cancel job} of a queued foreground job: both servers tell its client WORK_FAIL (gear does not). */
    @Test
    void cancelJobEndsTheQueuedJobOfTheClient() {
        ServerUnderTest server = fx.server(launcher);
        Client client = fx.client(server);
        Job job = client.submitJob(new Job("nobody-serves-this", "x"));
        CancelJobAdminRequest cancel = client.getConnection()
                .sendAdminRequest(new CancelJobAdminRequest(job.handle()), Fixture.TIMEOUT);
        assertThat(cancel.lines()).containsExactly("OK");
        job.waitForCompletion(Fixture.TIMEOUT);
        assertThat(job.isFailure()).isTrue();
        assertThat(job.failureReason()).contains("WORK_FAIL");
    }

    /**
     * registerFunction(name, timeout) sends CAN_DO_TIMEOUT in milliseconds, and both servers read
     * milliseconds: a job whose worker sits on it longer is requeued after the timeout (2 s here),
     * not after 2 000 s (timeout read as seconds) nor after gearmand's 1 s floor (sent as seconds,
     * read as ms). Only a lower bound is asserted: load can delay the requeue, never advance it.
     */
    @Test
    void registerFunctionWithTimeoutRequeuesAJobHeldTooLong() throws Exception {
        ServerUnderTest server = fx.server(launcher);
        Client client = fx.client(server);
        Worker slow = fx.worker(server);
        slow.registerFunction("limited", Duration.ofSeconds(2));
        Job job = client.submitJob(new Job("limited", "x"));
        WorkerJob held = slow.getJob(Fixture.TIMEOUT);
        long assigned = System.nanoTime();

        Worker second = fx.worker(server);
        second.registerFunction("limited");
        WorkerJob retried = second.getJob(Fixture.TIMEOUT);
        long requeuedAfterMillis = (System.nanoTime() - assigned) / 1_000_000;

        assertThat(retried.handle()).isEqualTo(held.handle()).isEqualTo(job.handle());
        assertThat(requeuedAfterMillis).as("requeued after CAN_DO_TIMEOUT of 2000 ms").isGreaterThanOrEqualTo(1500);
        assertThat(job.isComplete()).as("the client is not told about the requeue").isFalse();
        retried.sendWorkComplete("second try");
        assertThat(job.waitForCompletion(Fixture.TIMEOUT).dataAsString()).isEqualTo("second try");
        assertThat(job.isFailure()).isFalse();
    }

    @Test
    void getJobAfterShutdownThrows() {
        ServerUnderTest server = fx.server(launcher);
        Worker worker = fx.worker(server);
        worker.shutdown();
        assertThatThrownBy(worker::getJob).isInstanceOf(WorkerInterruptedException.class);
        worker.shutdown(); // a second shutdown is harmless
    }
}
