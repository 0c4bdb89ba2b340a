package dev.gear.junit5;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

/** Runs fixture classes through the Jupiter engine and reads what they reported. */
final class Fixtures {
    /** Report-entry key fixtures publish their server's port under. */
    static final String PORT = "port";

    private Fixtures() {
    }

    static EngineExecutionResults run(Class<?>... fixtures) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectors(fixtures)).execute();
    }

    private static org.junit.platform.engine.DiscoverySelector[] selectors(Class<?>... fixtures) {
        return java.util.Arrays.stream(fixtures).map(c -> selectClass(c))
                .toArray(org.junit.platform.engine.DiscoverySelector[]::new);
    }

    /** Runs the fixtures with methods and classes concurrent, on 4 threads. */
    static EngineExecutionResults runInParallel(Class<?>... fixtures) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectors(fixtures))
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "4")
                .execute();
    }

    /** Every value published under {@code key}, in publication order. */
    static List<String> reported(EngineExecutionResults results, String key) {
        return results.allEvents().stream().filter(e -> e.getType() == EventType.REPORTING_ENTRY_PUBLISHED)
                .map(e -> e.getRequiredPayload(ReportEntry.class)).flatMap(r -> r.getKeyValuePairs().entrySet().stream())
                .filter(kv -> kv.getKey().equals(key)).map(java.util.Map.Entry::getValue).collect(Collectors.toList());
    }

    /** The ports fixtures reported, as numbers. */
    static List<Integer> ports(EngineExecutionResults results) {
        return reported(results, PORT).stream().map(Integer::parseInt).collect(Collectors.toList());
    }

    /** The failure of the one failed test. */
    static Throwable onlyFailure(EngineExecutionResults results) {
        List<Event> failed = results.testEvents().failed().list();
        if (failed.size() != 1) {
            throw new AssertionError("expected one failed test, got " + failed.size() + ": " + failed);
        }
        return failed.get(0).getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
                .getThrowable().orElseThrow();
    }

    /** Whether {@code port} on loopback can be bound now, i.e. no server holds it any more. */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
