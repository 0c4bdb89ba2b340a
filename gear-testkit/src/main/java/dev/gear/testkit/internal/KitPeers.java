package dev.gear.testkit.internal;

import dev.gear.Client;
import dev.gear.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Connects our {@link Client} and {@link Worker} to the test server for a test: over TLS with a
 * certificate of the CN asked for when the server speaks TLS, and, for a worker, only returning
 * once the server recorded its registrations, so a job submitted next finds it.
 */
public final class KitPeers {
    private final KitOptions options;
    private final JournalWaits waits;
    private final RegistrationWaits registrations;

    public KitPeers(KitOptions options, JournalWaits waits, RegistrationWaits registrations) {
        this.options = options;
        this.waits = waits;
        this.registrations = registrations;
    }

    /** A client connected to {@code port}, presenting {@code commonName} in TLS mode. */
    public Client client(int port, String commonName) {
        Client c = Client.builder().build();
        try {
            if (options.certificates() != null) {
                c.addServer(options.host(), port, options.certificates().clientContext(commonName));
            } else {
                c.addServer(options.host(), port);
            }
            c.waitForServer(waits.scale(options.defaultTimeout()));
            return c;
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    /**
     * A worker connected to {@code port} with {@code functions} registered, presenting
     * {@code commonName} in TLS mode; fails at once when the ACL denies a registration.
     *
     * @param call how failures name the call the test made
     * @param hint what a denial's failure suggests
     */
    public Worker worker(int port, String commonName, List<String> functions, String call, String hint) {
        Worker w = Worker.builder().build();
        try {
            boolean tls = options.certificates() != null;
            if (tls) {
                w.addServer(options.host(), port, options.certificates().clientContext(commonName));
            } else {
                w.addServer(options.host(), port);
            }
            Duration timeout = options.defaultTimeout();
            w.waitForServer(waits.scale(timeout));
            Map<String, Integer> before = registrations.countsBefore(functions);
            long mark = registrations.mark();
            for (String f : functions) {
                w.registerFunction(f);
            }
            registrations.awaitNewWorker(call, tls ? commonName : null, hint, before, mark, timeout);
            return w;
        } catch (RuntimeException | Error e) {
            w.close();
            throw e;
        }
    }

    /** {@code newWorker(functions...)}: the kit's default worker CN; the hint says how to use another. */
    public Worker defaultWorker(int port, List<String> functions) {
        String cn = dev.gear.testkit.EmbeddedGearmanServer.DEFAULT_WORKER_CN;
        return worker(port, cn, functions, "newWorker(" + quoted(functions) + ")",
                "newWorker(functions...) takes function names and presents CN=" + cn
                        + "; to connect as another CN, call newWorkerAs(commonName, functions...).");
    }

    /** {@code newWorkerAs(commonName, functions...)}. */
    public Worker workerAs(int port, String commonName, List<String> functions) {
        return worker(port, commonName, functions,
                "newWorkerAs(\"" + commonName + "\"" + (functions.isEmpty() ? "" : ", " + quoted(functions)) + ")",
                "Let CN=" + commonName + " register it in the ACL, or present a permitted CN.");
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "\"" + n + "\"").collect(java.util.stream.Collectors.joining(", "));
    }
}
