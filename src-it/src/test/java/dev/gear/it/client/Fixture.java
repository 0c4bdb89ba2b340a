package dev.gear.it.client;

import dev.gear.Client;
import dev.gear.Worker;
import dev.gear.it.support.ServerLauncher;
import dev.gear.it.support.ServerUnderTest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Servers, clients and workers of one test, closed in reverse order. Servers come from the shared
 * harness ({@link ServerLauncher}, see {@code dev.gear.it.support.ServersUnderTest}).
 */
final class Fixture implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-helper");
        t.setDaemon(true);
        return t;
    });
    private volatile ServerUnderTest firstServer;

    <T extends AutoCloseable> T add(T resource) {
        resources.push(resource);
        return resource;
    }

    /** A fresh server of the launcher's kind, closed with the fixture. */
    ServerUnderTest server(ServerLauncher launcher) {
        ServerUnderTest server;
        try {
            server = launcher.start();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start " + launcher.name(), e);
        }
        if (firstServer == null) {
            firstServer = server;
        }
        return add(server);
    }

    /** The first server this test started (named in failure messages), or null. */
    ServerUnderTest firstServer() {
        return firstServer;
    }

    Client client(ServerUnderTest... servers) {
        Client client = add(Client.builder().clientId("test-client")
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build());
        for (ServerUnderTest s : servers) {
            client.addServer(s.host(), s.port());
        }
        client.waitForServer(TIMEOUT);
        return client;
    }

    Worker worker(ServerUnderTest... servers) {
        Worker worker = add(Worker.builder().clientId("test-worker")
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build());
        for (ServerUnderTest s : servers) {
            worker.addServer(s.host(), s.port());
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
