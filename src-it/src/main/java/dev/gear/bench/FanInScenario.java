package dev.gear.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;

import dev.gear.Client;

/**
 * Connection fan-in: {@code connections} clients (each its own {@link Client}, created beforehand)
 * connect at once and each does one ECHO. Timed from the first {@code addServer} until the last
 * echo came back; repeated for a number of rounds (the warm-up rounds, as many as fit in the
 * warm-up time, are not counted). The echoes are awaited by a small pool of threads, so many are
 * in flight at once.
 *
 * <p>The {@code raw} variant ({@code fanin-raw}) does the same with plain non-blocking sockets
 * from one thread ({@link RawFanIn}), which takes our client's cost (a thread and connection
 * machinery per {@code Client}) out of the time, leaving the server's.
 */
final class FanInScenario implements Scenario {
    private static final int DRIVER_THREADS = 16;
    private static final byte[] ECHO = Sizes.payload(16);
    private final int connections;
    private final int rounds;
    private final boolean raw;

    FanInScenario(int connections, int rounds, boolean raw) {
        this.connections = connections;
        this.rounds = rounds;
        this.raw = raw;
    }

    @Override
    public String id() {
        return raw ? "fanin-raw" : "fanin";
    }

    @Override
    public String title() {
        return raw ? "fan-in without our Client: " + connections + " non-blocking sockets from one thread, each one"
                + " ECHO, " + rounds + " rounds"
                : "fan-in, " + connections + " new connections (one Client each) each doing one ECHO, " + rounds
                        + " rounds";
    }

    /**
     * Every measurement is one round, whatever the slice's duration; the benchmark measures
     * {@code rounds} times (see {@link Benchmark}). The warm-up runs rounds for its duration.
     */
    @Override
    public Session open(Target target) {
        ExecutorService drivers = Executors.newFixedThreadPool(DRIVER_THREADS);
        return new Session() {
            private final List<Long> nanos = new ArrayList<>();
            private long errors;

            /**
             * Rounds back to back for the warm-up time, at least one: in a separate server JVM
             * (geard) the accept and close paths run cold (interpreted, then C1) for the first
             * rounds, which a single warm-up round left in the measurement; the embedded server
             * gets much of that for free from the clients' already compiled NIO code.
             */
            @Override
            public void warmUp(Duration duration) throws InterruptedException {
                long end = System.nanoTime() + duration.toNanos();
                do {
                    round(target, drivers);
                } while (System.nanoTime() < end);
            }

            @Override
            public void measure(Duration duration) throws InterruptedException {
                long[] outcome = round(target, drivers);
                nanos.add(outcome[0]);
                errors += outcome[1];
            }

            @Override
            public ScenarioResult result() {
                long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
                double median = sorted[sorted.length / 2] / 1e6;
                return new ScenarioResult(List.of(
                        Metric.time("median ms", median),
                        Metric.time("worst ms", sorted[sorted.length - 1] / 1e6),
                        Metric.rate("conn+echo/s", connections / (median / 1e3))),
                        errors);
            }

            @Override
            public void close() {
                drivers.shutdownNow();
            }
        };
    }

    int rounds() {
        return rounds;
    }

    /** One round: {elapsed nanos, errors}. */
    private long[] round(Target target, ExecutorService drivers) throws InterruptedException {
        long[] outcome = raw ? RawFanIn.round(target, connections) : clientRound(target, drivers);
        if (Boolean.getBoolean("bench.trace")) {
            System.err.printf("%s %s: %.1f ms%n", id(), target.name(), outcome[0] / 1e6);
        }
        return outcome;
    }

    private long[] clientRound(Target target, ExecutorService drivers) throws InterruptedException {
        List<Client> clients = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            clients.add(Client.builder().clientId("bench-fanin-" + i).requestTimeout(REQUEST_TIMEOUT).build());
        }
        try {
            long start = System.nanoTime();
            for (Client client : clients) {
                client.addServer(target.host(), target.port()); // returns at once; connects on its I/O thread
            }
            List<Future<Boolean>> echoes = new ArrayList<>(connections);
            for (Client client : clients) {
                echoes.add(drivers.submit(() -> {
                    client.waitForServer(REQUEST_TIMEOUT);
                    return Arrays.equals(client.echo(ECHO, REQUEST_TIMEOUT), ECHO);
                }));
            }
            long errors = 0;
            for (Future<Boolean> echo : echoes) {
                try {
                    errors += echo.get() ? 0 : 1;
                } catch (ExecutionException e) {
                    errors++;
                }
            }
            return new long[] {System.nanoTime() - start, errors};
        } finally {
            clients.forEach(Client::close);
        }
    }
}
