package dev.gear.it.client;

import dev.gear.Client;
import dev.gear.Worker;
import dev.gear.it.support.ServerFailureContext;
import dev.gear.it.support.ServerLauncher;
import dev.gear.it.support.ServerUnderTest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Servers, clients and workers of one test, closed in reverse order. Servers come from the shared
 * harness ({@link ServerLauncher}, see {@code dev.gear.it.support.ServersUnderTest}).
 *
 * <p>Registered on an instance field ({@code @RegisterExtension final Fixture fx = new Fixture();})
 * it closes itself after each test, and a failing test names the first server it started, with
 * that server's diagnostics ({@link ServerFailureContext}), so no test class repeats that wiring.
 */
final class Fixture implements AutoCloseable, AfterEachCallback, TestExecutionExceptionHandler {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-helper");
        t.setDaemon(true);
        return t;
    });
    private volatile ServerUnderTest firstServer;
    private final ServerFailureContext failureContext = new ServerFailureContext(this::firstServer);

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
        add(server);
        if (server.isTls() != launcher.tls()) {
            // A TLS launcher whose server (or clients) silently fell back to plain would pass every scenario.
            throw new IllegalStateException(launcher.name() + " should " + (launcher.tls() ? "" : "not ")
                    + "be a TLS server, but " + server.name() + " is " + (server.isTls() ? "TLS" : "plain"));
        }
        if (firstServer == null) {
            firstServer = server;
        }
        return server;
    }

    /** The first server this test started (named in failure messages), or null. */
    ServerUnderTest firstServer() {
        return firstServer;
    }

    /** A client connected to every given server (over TLS with CN {@code test-client} where the server is TLS). */
    Client client(ServerUnderTest... servers) {
        Client client = add(Client.builder().clientId("test-client")
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build());
        for (ServerUnderTest s : servers) {
            s.addTo(client, "test-client");
        }
        client.waitForServer(TIMEOUT);
        return client;
    }

    /** A worker connected to every given server (over TLS with CN {@code test-worker} where the server is TLS). */
    Worker worker(ServerUnderTest... servers) {
        Worker worker = add(Worker.builder().clientId("test-worker")
                .reconnectBackoff(Duration.ofMillis(20), Duration.ofMillis(200)).build());
        for (ServerUnderTest s : servers) {
            s.addTo(worker, "test-worker");
        }
        worker.waitForServer(TIMEOUT);
        return worker;
    }

    /** Runs {@code task} on another thread (for blocking calls a test must observe). */
    <T> CompletableFuture<T> async(Supplier<T> task) {
        return CompletableFuture.supplyAsync(task, threads);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        failureContext.handleTestExecutionException(context, failure);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
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
