package dev.gear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.server.Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Clients and workers on one {@link SharedIoThread}, against our real server on loopback. */
class SharedIoThreadTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Server server;
    private SharedIoThread io;

    @BeforeEach
    void start() {
        server = Server.builder().listenAddress("127.0.0.1").port(0).build().start();
        io = SharedIoThread.start("shared-io-test");
    }

    @AfterEach
    void stop() {
        io.close();
        server.close();
    }

    private <T extends BaseClient> T connect(T user) {
        user.addServer("127.0.0.1", server.port());
        user.waitForServer(TIMEOUT);
        return user;
    }

    private static List<Thread> threadsNamed(String prefix) {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix) && t.isAlive()) {
                out.add(t);
            }
        }
        return out;
    }

    @Test
    void clientsAndWorkersOnOneThreadRunJobs() {
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            clients.add(connect(Client.builder().clientId("shared-client-" + i).ioThread(io).build()));
        }
        for (int i = 0; i < 2; i++) {
            Worker worker = connect(Worker.builder().clientId("shared-worker-" + i).ioThread(io)
                    .runHandlersOnIoThread().build());
            worker.registerFunction("upper", job -> {
                assertThat(Thread.currentThread().getName()).isEqualTo("shared-io-test");
                job.sendWorkComplete(job.argumentsAsString().toUpperCase());
            });
        }
        List<CompletableFuture<Job>> done = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Client client = clients.get(i % clients.size());
            done.add(client.submitJobAsync(new Job("upper", "job-" + i), false, Precedence.NORMAL, TIMEOUT)
                    .thenCompose(Job::completion));
        }
        for (int i = 0; i < done.size(); i++) {
            Job job = done.get(i).orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(job.isFailure()).isFalse();
            assertThat(job.dataAsString()).isEqualTo("JOB-" + i);
        }
        // One I/O thread for all five: none of their own.
        assertThat(threadsNamed("gear-client-shared-client-")).isEmpty();
        assertThat(threadsNamed("gear-worker-shared-worker-")).isEmpty();
        assertThat(threadsNamed("shared-io-test")).hasSize(1);
    }

    @Test
    void closingOneClientLeavesTheThreadServingTheOthers() {
        Client leaving = connect(Client.builder().clientId("leaving").ioThread(io).build());
        Client staying = connect(Client.builder().clientId("staying").ioThread(io).build());
        Worker worker = connect(Worker.builder().clientId("w").ioThread(io).build());
        worker.registerFunction("echo", job -> job.sendWorkComplete(job.arguments()));
        leaving.close();
        assertThatThrownBy(() -> leaving.submitJob(new Job("echo", "x"))).isInstanceOf(GearmanException.class);
        Job job = staying.submitJob(new Job("echo", "still served"));
        assertThat(job.waitForCompletion(TIMEOUT).dataAsString()).isEqualTo("still served");
        assertThat(threadsNamed("shared-io-test")).hasSize(1);
    }

    @Test
    void closingTheThreadShutsDownItsClientsAndWorkersAndEndsIt() throws InterruptedException {
        Client client = connect(Client.builder().clientId("c").ioThread(io).build());
        Worker worker = connect(Worker.builder().clientId("w").ioThread(io).build());
        worker.registerFunction("f");
        List<Thread> thread = threadsNamed("shared-io-test");
        assertThat(thread).hasSize(1);
        io.close();
        thread.get(0).join(TimeUnit.SECONDS.toMillis(10));
        assertThat(thread.get(0).isAlive()).isFalse();
        assertThat(io.isClosed()).isTrue();
        assertThatThrownBy(() -> client.submitJob(new Job("f", "x"))).isInstanceOf(GearmanException.class);
        assertThatThrownBy(() -> worker.getJob(TIMEOUT)).isInstanceOf(WorkerInterruptedException.class);
        assertThatThrownBy(() -> Client.builder().ioThread(io).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot build client unknown on shared I/O thread shared-io-test: it is closed");
    }

    @Test
    void aBlockingCallInACompletionOnTheSharedThreadIsRefused() {
        Client client = connect(Client.builder().clientId("c").ioThread(io).build());
        Worker worker = connect(Worker.builder().clientId("w").ioThread(io).runHandlersOnIoThread().build());
        // The outer job completes only once the chain below is built, so its completion runs on the
        // I/O thread (a future already complete would run the stage on this test thread instead).
        CountDownLatch chained = new CountDownLatch(1);
        worker.registerFunction("echo", job -> {
            if (job.argumentsAsString().equals("outer")) {
                awaitQuietly(chained);
            }
            job.sendWorkComplete(job.arguments());
        });
        CompletableFuture<Job> nested = client.submitJobAsync(new Job("echo", "outer"), false, Precedence.NORMAL,
                TIMEOUT).thenCompose(Job::completion).thenApply(outer -> client.submitJob(new Job("echo", "inner")));
        chained.countDown();
        assertThatThrownBy(() -> nested.orTimeout(10, TimeUnit.SECONDS).join())
                .hasCauseInstanceOf(IllegalStateException.class)
                .cause().hasMessageStartingWith("submitting echo would block the gear I/O thread shared-io-test");
    }

    @Test
    void closeOnTheThreadItselfIsRefused() {
        Client client = connect(Client.builder().clientId("c").ioThread(io).build());
        Worker worker = connect(Worker.builder().clientId("w").ioThread(io).runHandlersOnIoThread().build());
        worker.registerFunction("close-io", job -> {
            io.close();
            job.sendWorkComplete();
        });
        Job job = client.submitJob(new Job("close-io", "x")).waitForCompletion(TIMEOUT);
        assertThat(job.exceptionAsString()).isEqualTo("java.lang.IllegalStateException: SharedIoThread.close() "
                + "called on the I/O thread shared-io-test itself, which would wait for itself to end");
        assertThat(io.isClosed()).isFalse();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
