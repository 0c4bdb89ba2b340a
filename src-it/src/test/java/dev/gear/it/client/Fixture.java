package dev.gear.it.client;

import dev.gear.Client;
import dev.gear.Worker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** Servers, clients and workers of one test, closed in reverse order. */
final class Fixture implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-helper");
        t.setDaemon(true);
        return t;
    });

    <T extends AutoCloseable> T add(T resource) {
        resources.push(resource);
        return resource;
    }

    TestServer server(TestServer.Kind kind) {
        return add(TestServer.start(kind));
    }

    Client client(TestServer... servers) {
        Client client = add(Client.builder().clientId("test-client")
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build());
        for (TestServer s : servers) {
            client.addServer("127.0.0.1", s.port());
        }
        client.waitForServer(TIMEOUT);
        return client;
    }

    Worker worker(TestServer... servers) {
        Worker worker = add(Worker.builder().clientId("test-worker")
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build());
        for (TestServer s : servers) {
            worker.addServer("127.0.0.1", s.port());
        }
        worker.waitForServer(TIMEOUT);
        return worker;
    }

    /** Runs {@code task} on another thread (for blocking calls a test must observe). */
    <T> CompletableFuture<T> async(Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, threads);
    }

    @Override
    public void close() {
        RuntimeException first = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("closing a test resource failed", e);
                }
            }
        }
        threads.shutdownNow();
        if (first != null) {
            throw first;
        }
    }
}
