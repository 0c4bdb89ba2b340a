package dev.gear.bench;

import java.time.Duration;
import java.util.List;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.Precedence;

/**
 * Foreground round trips: each client thread submits a job, waits for its WORK_COMPLETE (the
 * worker echoes the payload back), and submits the next. Latency is submit → result in the client
 * thread: four hops through the server plus the thread hand-offs of client and worker.
 */
final class ForegroundScenario implements Scenario {
    private final String id;
    private final int clients;
    private final int workers;
    private final int payloadBytes;

    ForegroundScenario(String id, int clients, int workers, int payloadBytes) {
        this.id = id;
        this.clients = clients;
        this.workers = workers;
        this.payloadBytes = payloadBytes;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String title() {
        return "foreground, " + clients + " client thread" + (clients == 1 ? "" : "s") + " / " + workers + " worker"
                + (workers == 1 ? "" : "s") + ", " + Sizes.describe(payloadBytes) + " each way";
    }

    @Override
    public Session open(Target target) {
        String function = "bench-" + id + "-" + System.nanoTime();
        byte[] payload = Sizes.payload(payloadBytes);
        TimedLoop.Operation roundTrip = client -> {
            Job job = client.submitJob(new Job(function, payload), false, Precedence.NORMAL, REQUEST_TIMEOUT);
            job.waitForCompletion(REQUEST_TIMEOUT);
            return !job.isFailure() && job.dataBytes().length == payloadBytes;
        };
        List<Client> connected = TimedLoop.connect(target, clients);
        EchoWorkers echo = new EchoWorkers(target, function, workers, true);
        Outcomes totals = new Outcomes();
        return new Session() {
            @Override
            public void warmUp(Duration duration) throws InterruptedException {
                TimedLoop.run(connected, duration, roundTrip);
            }

            @Override
            public void measure(Duration duration) throws InterruptedException {
                totals.add(TimedLoop.run(connected, duration, roundTrip));
            }

            @Override
            public ScenarioResult result() {
                return new ScenarioResult(List.of(
                        Metric.rate("jobs/s", totals.perSecond()),
                        Metric.time("p50 ms", totals.percentileMillis(50)),
                        Metric.time("p99 ms", totals.percentileMillis(99))),
                        totals.errors() + echo.errors());
            }

            @Override
            public void close() throws InterruptedException {
                connected.forEach(Client::close);
                echo.close();
            }
        };
    }
}
