package dev.gear.it.support;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * <strong>The one place that lists the servers</strong> every conformance scenario runs against.
 *
 * <p>Use it as a parameter source, on a class or on a method:
 * <pre>{@code
 * @ParameterizedClass(name = "{0}")
 * @MethodSource("dev.gear.it.support.ServersUnderTest#available")
 * class SomeIT {
 *     @Parameter ServerLauncher launcher;
 * }
 * // or
 * @ParameterizedTest(name = "{0}")
 * @MethodSource("dev.gear.it.support.ServersUnderTest#available")
 * void scenario(ServerLauncher launcher) { ... }
 * }</pre>
 *
 * <p>To add our own server once {@code dev.gear.server.Server} exists, write
 * {@code OurServer implements ServerUnderTest} (kind {@code GEAR_JAVA}: start a {@code Server} on
 * 127.0.0.1 port 0, report its bound port, {@code processId()} = {@code ProcessHandle.current().pid()},
 * close it in {@code close()}) and add one line to {@link #ALL}:
 * <pre>{@code
 * new ServerLauncher(Kind.GEAR_JAVA, "gear-java", Optional::empty, OurServer::start)
 * }</pre>
 */
public final class ServersUnderTest {
    /** Every server implementation we know how to start. */
    static final List<ServerLauncher> ALL = List.of(
            new ServerLauncher(ServerUnderTest.Kind.GEARMAND, "gearmand",
                    GearmandProcess::unavailableReason, GearmandProcess::start));

    private ServersUnderTest() {
    }

    /**
     * The launchers of every server that can run here, as named arguments. Fails, rather than
     * letting a suite pass with zero runs, when none can.
     */
    public static Stream<Arguments> available() {
        List<ServerLauncher> usable = ALL.stream()
                .filter(l -> l.unavailable().get().isEmpty())
                .collect(Collectors.toList());
        if (usable.isEmpty()) {
            throw new IllegalStateException("No server under test can run on this machine: " + ALL.stream()
                    .map(l -> l.name() + ": " + l.unavailable().get().orElse("?"))
                    .collect(Collectors.joining("; ")));
        }
        return usable.stream().map(l -> Arguments.of(Named.of(l.name(), l)));
    }
}
