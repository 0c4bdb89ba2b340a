package dev.gear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.server.Server;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients built without an I/O thread choice share the JVM-wide one ({@link Client#DEFAULT_IO_THREAD_NAME}),
 * against our real server on loopback; {@code ownIoThread()} opts out.
 */
class JvmIoThreadTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Server server;
    private Worker worker;

    @BeforeEach
    void start() {
        server = Server.builder().listenAddress("127.0.0.1").port(0).build().start();
        worker = connect(Worker.builder().clientId("jvm-io-worker").runHandlersOnIoThread().build());
        worker.registerFunction("upper", job -> job.sendWorkComplete(job.argumentsAsString().toUpperCase()));
    }

    @AfterEach
    void stop() {
        worker.close();
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

    private static List<Thread> theJvmWideThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals(Client.DEFAULT_IO_THREAD_NAME)).toList();
    }

    /** The web front end's way: build, submit, wait, close, per request; in a row and from several threads. */
    @Test
    void aClientPerRequestCostsNoThreadOfItsOwn() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(4);
        List<String> completedOn = new CopyOnWriteArrayList<>();
        // One client of each caller stays open throughout: while it is, its own thread would show.
        List<Client> open = new CopyOnWriteArrayList<>();
        CountDownLatch allOpen = new CountDownLatch(4);
        CountDownLatch counted = new CountDownLatch(1);
        try {
            List<CompletableFuture<List<String>>> results = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int caller = c;
                results.add(CompletableFuture.supplyAsync(() -> {
                    Client kept = connect(Client.builder().clientId("per-request-kept-" + caller).build());
                    open.add(kept);
                    allOpen.countDown();
                    awaitQuietly(counted);
                    List<String> answers = new ArrayList<>();
                    for (int i = 0; i < 25; i++) {
                        try (Client client = connect(Client.builder().clientId("per-request-" + caller + "-" + i)
                                .listener(new ClientListener() {
                                    @Override
                                    public void onWorkComplete(Job job) {
                                        completedOn.add(Thread.currentThread().getName());
                                    }
                                }).build())) {
                            answers.add(client.submitJob(new Job("upper", "r" + caller + "-" + i))
                                    .waitForCompletion(TIMEOUT).dataAsString());
                        }
                    }
                    return answers;
                }, callers));
            }
            assertThat(allOpen.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(threadsNamed("gear-client-per-request-")).as("I/O threads of the open clients").isEmpty();
            assertThat(theJvmWideThread()).hasSize(1);
            counted.countDown();
            for (int c = 0; c < 4; c++) {
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 25; i++) {
                    expected.add("R" + c + "-" + i);
                }
                assertThat(results.get(c).get(30, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        } finally {
            counted.countDown();
            open.forEach(Client::close);
            callers.shutdownNow();
        }
        assertThat(completedOn).hasSize(100).containsOnly(Client.DEFAULT_IO_THREAD_NAME);
        assertThat(threadsNamed("gear-client-per-request-")).isEmpty();
        // Closing every client left the JVM-wide thread for the next one.
        assertThat(theJvmWideThread()).hasSize(1);
        try (Client next = connect(Client.builder().clientId("after-all-closed").build())) {
            assertThat(next.submitJob(new Job("upper", "again")).waitForCompletion(TIMEOUT).dataAsString())
                    .isEqualTo("AGAIN");
        }
    }

    @Test
    void ownIoThreadGivesAThreadOfItsOwnThatEndsAtClose() throws InterruptedException {
        Client own = connect(Client.builder().clientId("own-io").ownIoThread().build());
        List<Thread> thread = threadsNamed("gear-client-own-io");
        assertThat(thread).hasSize(1);
        List<String> completedOn = new CopyOnWriteArrayList<>();
        Job job = own.submitJobAsync(new Job("upper", "mine"))
                .thenCompose(Job::completion)
                .whenComplete((j, e) -> completedOn.add(Thread.currentThread().getName()))
                .orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(job.dataAsString()).isEqualTo("MINE");
        own.close();
        thread.get(0).join(TimeUnit.SECONDS.toMillis(10));
        assertThat(thread.get(0).isAlive()).isFalse();
        assertThat(completedOn).doesNotContain(Client.DEFAULT_IO_THREAD_NAME);
    }

    @Test
    void theLastOfIoThreadAndOwnIoThreadWins() throws InterruptedException {
        try (SharedIoThread io = SharedIoThread.start("jvm-io-test-shared")) {
            Client own = Client.builder().clientId("own-after-shared").ioThread(io).ownIoThread().build();
            assertThat(threadsNamed("gear-client-own-after-shared")).hasSize(1);
            own.close();
            Client shared = connect(Client.builder().clientId("shared-after-own").ownIoThread().ioThread(io).build());
            assertThat(threadsNamed("gear-client-shared-after-own")).isEmpty();
            Job job = shared.submitJob(new Job("upper", "x")).waitForCompletion(TIMEOUT);
            assertThat(job.dataAsString()).isEqualTo("X");
            io.close(); // closes the client on it too
            assertThatThrownBy(() -> shared.submitJob(new Job("upper", "y"))).isInstanceOf(GearmanException.class);
        }
    }

    @Test
    void aBlockingCallOnTheJvmWideThreadIsRefused() {
        // The outer job completes only once the chain below is built, so its completion runs on the
        // I/O thread (a future already complete would run the stage on this test thread instead).
        CountDownLatch chained = new CountDownLatch(1);
        worker.registerFunction("held", job -> {
            awaitQuietly(chained); // on the worker's own I/O thread, not the JVM-wide one
            job.sendWorkComplete(job.arguments());
        });
        try (Client client = connect(Client.builder().clientId("refused-on-jvm-io").build())) {
            CompletableFuture<Job> nested = client.submitJobAsync(new Job("held", "outer"))
                    .thenCompose(Job::completion)
                    .thenApply(outer -> client.submitJob(new Job("upper", "inner")));
            chained.countDown();
            assertThatThrownBy(() -> nested.orTimeout(10, TimeUnit.SECONDS).join())
                    .hasCauseInstanceOf(IllegalStateException.class)
                    .cause().hasMessage("submitting upper would block the gear I/O thread gear-io, which must not "
                            + "wait: use the asynchronous variant (submitJobAsync, Job.completion(), ...) or run this "
                            + "code on another thread");
            // The refused call sent nothing and broke nothing: the client goes on.
            assertThat(client.submitJob(new Job("upper", "after")).waitForCompletion(TIMEOUT).dataAsString())
                    .isEqualTo("AFTER");
        }
    }

    @Test
    void aListenerOrHookThatThrowsOnTheJvmWideThreadBreaksNoOtherClient() {
        ClientListener throwingException = new ClientListener() {
            @Override
            public void onWorkComplete(Job job) {
                throw new IllegalStateException("listener bug");
            }
        };
        ClientListener throwingError = new ClientListener() {
            @Override
            public void onJobCreated(Job job) {
                throw new AssertionError("a test's failed assertion in a listener");
            }
        };
        try (Client faulty = connect(new Client(Client.builder().clientId("faulty-on-jvm-io")
                .listener(throwingException).listener(throwingError)) {
                    @Override
                    protected void handleWorkComplete(Job job) {
                        throw new LinkageError("hook bug");
                    }
                });
                Client other = connect(Client.builder().clientId("other-on-jvm-io").build())) {
            for (int i = 0; i < 3; i++) {
                assertThat(faulty.submitJob(new Job("upper", "f" + i)).waitForCompletion(TIMEOUT).dataAsString())
                        .isEqualTo("F" + i);
                assertThat(other.submitJob(new Job("upper", "o" + i)).waitForCompletion(TIMEOUT).dataAsString())
                        .isEqualTo("O" + i);
            }
            assertThat(theJvmWideThread()).hasSize(1);
        }
        try (Client later = connect(Client.builder().clientId("later-on-jvm-io").build())) {
            assertThat(later.submitJob(new Job("upper", "later")).waitForCompletion(TIMEOUT).dataAsString())
                    .isEqualTo("LATER");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
