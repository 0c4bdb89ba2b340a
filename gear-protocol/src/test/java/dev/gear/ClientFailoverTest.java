package dev.gear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.server.Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * gear's submit failover (issue 17): a broken server next to a good one (our real {@link Server},
 * with a worker) costs no submit; when every server fails the exception names each; failover(false)
 * fails at the first; async submits behave the same. The broken servers are {@link ScriptedServer}s
 * on loopback sockets: one answers ERROR, one resets the connection, one never answers.
 */
class ClientFailoverTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int JOBS = 4;

    private Server good;
    private Worker worker;
    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @BeforeEach
    void startGoodServer() {
        good = Server.builder().listenAddress("127.0.0.1").port(0).build().start();
        worker = Worker.builder().clientId("failover-worker").build();
        worker.addServer("127.0.0.1", good.port());
        worker.registerFunction("reverse",
                job -> job.sendWorkComplete(new StringBuilder(job.argumentsAsString()).reverse().toString()));
        worker.waitForServer(WAIT);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeLater) {
            c.close();
        }
        worker.close();
        good.close();
    }

    private ScriptedServer bad(ScriptedServer.Behaviour behaviour) throws Exception {
        ScriptedServer s = new ScriptedServer(behaviour);
        closeLater.add(s);
        return s;
    }

    /**
     * The good server first (so waitForServer means it), then the bad one, once it got the
     * client's greeting: both are connected. A long reconnect backoff keeps a dropped bad server
     * out of the rotation for the rest of the test.
     */
    private Client clientOf(Client.Builder builder, ScriptedServer... bads) throws Exception {
        Client client = builder.reconnectBackoff(Duration.ofSeconds(60), Duration.ofSeconds(60)).build();
        closeLater.add(0, client);
        client.addServer("127.0.0.1", good.port());
        client.waitForServer(WAIT);
        for (ScriptedServer s : bads) {
            client.addServer("127.0.0.1", s.port());
            s.awaitGreeting(10);
        }
        return client;
    }

    private static void assertAllRanOnTheGoodServer(List<Job> jobs) {
        for (Job job : jobs) {
            job.waitForCompletion(WAIT);
            assertThat(job.isFailure()).as("%s failed: %s", job, job.failureReason()).isFalse();
            assertThat(job.dataAsString()).isEqualTo(new StringBuilder(job.argumentsAsString()).reverse().toString());
        }
    }

    private static List<Job> submitAll(Client client, Duration timeout) {
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            jobs.add(client.submitJob(new Job("reverse", "job-" + i), false, Precedence.NORMAL, timeout));
        }
        return jobs;
    }

    @Test
    void aServerAnsweringErrorIsSkippedAndEverySubmitCompletesOnTheGoodOne() throws Exception {
        ScriptedServer erroring = bad(ScriptedServer.erroring());
        Client client = clientOf(Client.builder().clientId("failover-error"), erroring);

        assertAllRanOnTheGoodServer(submitAll(client, WAIT));
        assertThat(erroring.submits()).as("the rotation reached the erroring server").isBetween(1, JOBS);
    }

    @Test
    void aServerResettingTheConnectionOnSubmitIsSkipped() throws Exception {
        ScriptedServer resetting = bad(ScriptedServer.resetting());
        Client client = clientOf(Client.builder().clientId("failover-reset"), resetting);

        assertAllRanOnTheGoodServer(submitAll(client, WAIT));
        assertThat(resetting.submits()).isEqualTo(1); // reset once, then out of the rotation (backoff)
    }

    /**
     * The silent server gets its share of the timeout (half of it, with two servers), then its
     * connection is dropped and the good server gets the job. Its JOB_CREATED, had it come late,
     * could not be read any more: the job holds the good server's handle only.
     */
    @Test
    void aServerThatNeverAnswersIsDroppedAfterItsShareOfTheTimeout() throws Exception {
        ScriptedServer silent = bad(ScriptedServer.silent());
        Client client = clientOf(Client.builder().clientId("failover-silent"), silent);

        List<Job> jobs = submitAll(client, Duration.ofSeconds(4));

        assertAllRanOnTheGoodServer(jobs);
        assertThat(silent.submits()).isEqualTo(1);
        silent.awaitConnectionsEnded(1, 10);
        assertThat(client.getConnections()).filteredOn(c -> c.port() == silent.port())
                .singleElement().satisfies(c -> assertThat(c.lastConnectFailure()).get().asString()
                        .contains("no answer to SUBMIT_JOB within").contains("its share of the submit's timeout"));
    }

    /**
     * A JOB_CREATED that comes after the client gave up on its server is never taken: the
     * connection was dropped before the next server was tried, so the job holds the good server's
     * handle only, and the late server's answer goes nowhere.
     */
    @Test
    void aJobCreatedAfterTheClientGaveUpOnThatServerIsNeverTaken() throws Exception {
        ScriptedServer late = bad(ScriptedServer.lateAfterDrop());
        Client client = clientOf(Client.builder().clientId("failover-late"), late);

        Job job = client.submitJob(new Job("reverse", "late"), false, Precedence.NORMAL, Duration.ofSeconds(2));

        assertAllRanOnTheGoodServer(List.of(job));
        assertThat(late.submits()).isEqualTo(1);
        late.awaitConnectionsEnded(1, 10);
        assertThat(job.handle()).doesNotStartWith("H:late:");
        assertThat(job.connection().port()).isEqualTo(good.port());
    }

    @Test
    void whenEveryServerFailsTheExceptionNamesEachWithItsAnswer() throws Exception {
        good.close();
        worker.close();
        ScriptedServer erroring = bad(ScriptedServer.erroring());
        ScriptedServer resetting = bad(ScriptedServer.resetting());
        ScriptedServer silent = bad(ScriptedServer.silent());
        Client client = Client.builder().clientId("failover-all-bad").build();
        closeLater.add(0, client);
        for (ScriptedServer s : List.of(erroring, resetting, silent)) {
            client.addServer("127.0.0.1", s.port());
            s.awaitGreeting(10);
        }

        assertThatThrownBy(() -> client.submitJob(new Job("reverse", "x"), false, Precedence.NORMAL,
                Duration.ofSeconds(3)))
                .isInstanceOfSatisfying(SubmitFailedException.class, e -> {
                    assertThat(e.getMessage()).startsWith("Unable to submit job reverse to any connected server; tried 3:")
                            .contains(erroring.address() + " -> Server " + erroring.address()
                                    + " answered ERROR QUEUE_ERROR: queue full")
                            .contains(resetting.address() + " -> connection to " + resetting.address() + " lost")
                            .contains(silent.address() + " -> SUBMIT_JOB on " + silent.address()
                                    + " got no answer within");
                    assertThat(e.attempts()).extracting(SubmitFailedException.Attempt::server)
                            .containsExactlyInAnyOrder(erroring.address(), resetting.address(), silent.address());
                    assertThat(e.attempts()).extracting(a -> a.error().getClass().getSimpleName())
                            .containsExactlyInAnyOrder("GearmanErrorException", "ConnectionException",
                                    "GearmanTimeoutException");
                });
        assertThat(List.of(erroring.submits(), resetting.submits(), silent.submits()))
                .as("each server tried once").containsExactly(1, 1, 1);
    }

    @Test
    void withoutFailoverTheFirstServersErrorEndsTheSubmit() throws Exception {
        ScriptedServer erroring = bad(ScriptedServer.erroring());
        Client client = clientOf(Client.builder().clientId("no-failover").failover(false), erroring);

        List<Throwable> failures = new ArrayList<>();
        List<Job> done = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            try {
                done.add(client.submitJob(new Job("reverse", "job-" + i), false, Precedence.NORMAL, WAIT));
            } catch (GearmanException e) {
                failures.add(e);
            }
        }

        // Round-robin over two servers: every other submit meets the erroring one and fails there.
        assertThat(failures).hasSize(erroring.submits()).isNotEmpty()
                .allSatisfy(e -> assertThat(e).isInstanceOf(GearmanErrorException.class)
                        .hasMessage("Server " + erroring.address() + " answered ERROR QUEUE_ERROR: queue full"));
        assertAllRanOnTheGoodServer(done);
    }

    @Test
    void asyncSubmitsFailOverTheSameWay() throws Exception {
        ScriptedServer erroring = bad(ScriptedServer.erroring());
        ScriptedServer resetting = bad(ScriptedServer.resetting());
        Client client = clientOf(Client.builder().clientId("failover-async"), erroring, resetting);

        List<CompletableFuture<Job>> futures = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            futures.add(client.submitJobAsync(new Job("reverse", "job-" + i), false, Precedence.NORMAL, WAIT));
        }
        List<Job> jobs = new ArrayList<>();
        for (CompletableFuture<Job> f : futures) {
            jobs.add(f.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        assertAllRanOnTheGoodServer(jobs);
        assertThat(erroring.submits()).isPositive();
    }

    @Test
    void asyncSubmitOnlyToBadServersFailsWithTheSameException() throws Exception {
        good.close();
        worker.close();
        ScriptedServer erroring = bad(ScriptedServer.erroring());
        ScriptedServer resetting = bad(ScriptedServer.resetting());
        Client client = Client.builder().clientId("failover-async-bad").build();
        closeLater.add(0, client);
        for (ScriptedServer s : List.of(erroring, resetting)) {
            client.addServer("127.0.0.1", s.port());
            s.awaitGreeting(10);
        }
        Job job = new Job("reverse", "x");
        CompletableFuture<Job> future = client.submitJobAsync(job, false, Precedence.NORMAL, WAIT);

        assertThatThrownBy(() -> future.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(SubmitFailedException.class)
                .hasMessageContaining(erroring.address()).hasMessageContaining(resetting.address());
        assertThat(job.handle()).as("no handle from any server").isNull();
    }

    /** One server only: nothing to fail over to, and the exception is that server's, as before. */
    @Test
    void withOneServerTheSubmitFailsWithThatServersOwnException() throws Exception {
        good.close();
        worker.close();
        ScriptedServer erroring = bad(ScriptedServer.erroring());
        Client client = Client.builder().clientId("failover-one").build();
        closeLater.add(0, client);
        client.addServer("127.0.0.1", erroring.port());
        erroring.awaitGreeting(10);

        assertThatThrownBy(() -> client.submitJob(new Job("reverse", "x")))
                .isExactlyInstanceOf(GearmanErrorException.class)
                .hasMessage("Server " + erroring.address() + " answered ERROR QUEUE_ERROR: queue full");
    }

    /** Once a server answered JOB_CREATED no other is asked, even when the job then fails. */
    @Test
    void aCreatedJobIsNeverSubmittedAgain() throws Exception {
        good.close();
        worker.close();
        ScriptedServer creating = bad(ScriptedServer.creating());
        ScriptedServer erroring = bad(ScriptedServer.erroring());
        Client client = Client.builder().clientId("failover-created").build();
        closeLater.add(0, client);
        for (ScriptedServer s : List.of(creating, erroring)) {
            client.addServer("127.0.0.1", s.port());
            s.awaitGreeting(10);
        }
        List<Job> jobs = submitAll(client, WAIT);

        assertThat(jobs).allSatisfy(j -> assertThat(j.handle()).startsWith("H:fake:"));
        assertThat(creating.submits()).isEqualTo(JOBS);
        assertThat(erroring.submits()).as("asked first for every other job, and once each").isEqualTo(JOBS / 2);
        assertThatThrownBy(() -> client.submitJob(jobs.get(0))).isInstanceOf(IllegalStateException.class);
    }
}
