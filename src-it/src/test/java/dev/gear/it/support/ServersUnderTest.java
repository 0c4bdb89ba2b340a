package dev.gear.it.support;

import dev.gear.it.support.ServerLauncher.Form;
import dev.gear.it.support.ServerUnderTest.Kind;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * <strong>The one place that lists the servers</strong> the suites run against, and the two
 * selections of them the suites use.
 *
 * <p>Use a selection as a parameter source, on a class or on a method:
 * <pre>{@code
 * @ParameterizedClass(name = "{0}")
 * @MethodSource("dev.gear.it.support.ServersUnderTest#perImplementation")
 * class SomeIT {
 *     @Parameter ServerLauncher launcher;
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link #perImplementation()}: one launcher per {@link Kind}, the cheapest to start: gearmand
 *       and our embedded {@code Server}. For raw-protocol scenarios, where {@code geard} would only
 *       run the same server code again behind a JVM start per scenario.</li>
 *   <li>{@link #childProcesses()}: every server that runs as its own OS process, started from its
 *       command line as an operator does: gearmand and our {@code geard} jar. For tests that drive
 *       servers with outside tools.</li>
 * </ul>
 */
public final class ServersUnderTest {
    /** Every server implementation, in every form we know how to start it. */
    static final List<ServerLauncher> ALL = List.of(
            new ServerLauncher(Kind.GEARMAND, "gearmand", Form.CHILD_PROCESS,
                    GearmandProcess::unavailableReason, GearmandProcess::start),
            new ServerLauncher(Kind.GEAR_JAVA, "gear-java", Form.EMBEDDED,
                    Optional::empty, OurServer::start),
            new ServerLauncher(Kind.GEAR_JAVA, "geard", Form.CHILD_PROCESS,
                    GeardProcess::unavailableReason, GeardProcess::start));

    private ServersUnderTest() {
    }

    /** The first usable launcher of each implementation (in {@link #ALL}'s order), as named arguments. */
    public static Stream<Arguments> perImplementation() {
        Set<Kind> seen = EnumSet.noneOf(Kind.class);
        return select("per implementation", l -> true).filter(l -> seen.add(l.kind())).map(ServersUnderTest::named);
    }

    /** Every usable launcher of a server that runs as its own process, as named arguments. */
    public static Stream<Arguments> childProcesses() {
        return select("as child processes", l -> l.form() == Form.CHILD_PROCESS).map(ServersUnderTest::named);
    }

    /**
     * The launchers matching {@code wanted} that can run here. Fails, rather than letting a suite pass
     * with zero runs, when none can.
     */
    private static Stream<ServerLauncher> select(String selection, Predicate<ServerLauncher> wanted) {
        List<ServerLauncher> candidates = ALL.stream().filter(wanted).collect(Collectors.toList());
        List<ServerLauncher> usable = candidates.stream()
                .filter(l -> l.unavailable().get().isEmpty())
                .collect(Collectors.toList());
        if (usable.isEmpty()) {
            throw new IllegalStateException("No server under test (" + selection + ") can run on this machine: "
                    + candidates.stream()
                            .map(l -> l.name() + ": " + l.unavailable().get().orElse("?"))
                            .collect(Collectors.joining("; ")));
        }
        return usable.stream();
    }

    private static Arguments named(ServerLauncher launcher) {
        return Arguments.of(Named.of(launcher.name(), launcher));
    }
}
