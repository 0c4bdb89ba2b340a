package dev.gear.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three published jars as a user gets them, on the module path and on the class path: a tiny
 * program that uses gear-protocol ({@code Client}, {@code Server}), gear-testkit
 * ({@code EmbeddedGearmanServer}, BouncyCastle-made {@code TestCertificates}) and gear-junit5
 * ({@code GearAssertions}) is compiled and launched in a new JVM each way, and a module that
 * reaches for an {@code internal} package does not compile.
 *
 * <p>The jars and their dependencies are the ones Maven resolved for this module
 * ({@code target/runtime-classpath.txt}, written by the dependency plugin before the integration
 * tests), so in the reactor build they are the freshly packaged {@code target/*.jar}s.
 */
class ModulePathIT {
    private static final String MAIN = """
            package probe;

            import dev.gear.Client;
            import dev.gear.Job;
            import dev.gear.junit5.GearAssertions;
            import dev.gear.server.Server;
            import dev.gear.testkit.EmbeddedGearmanServer;
            import dev.gear.testkit.TestCertificates;
            import java.nio.charset.StandardCharsets;
            import java.time.Duration;

            public class Main {
                public static void main(String[] args) {
                    try (EmbeddedGearmanServer server = EmbeddedGearmanServer.started();
                         Client client = server.newClient()) {
                        server.stub("upper").willAnswer(b -> new String(b, StandardCharsets.UTF_8)
                                .toUpperCase().getBytes(StandardCharsets.UTF_8));
                        Job job = client.submitJob(new Job("upper", "gear"));
                        job.waitForCompletion(Duration.ofSeconds(20));
                        GearAssertions.assertThat(server).job("upper").isCompleted().hasResult("GEAR");
                        System.out.println("result " + job.dataAsString());
                    }
                    System.out.println("ca " + TestCertificates.get().caCertificate().getSubjectX500Principal().getName());
                    System.out.println("in " + describe(Main.class.getModule()) + ", gear in "
                            + describe(Server.class.getModule()) + ", extension in "
                            + describe(GearAssertions.class.getModule()));
                }

                private static String describe(Module m) {
                    return m.isNamed() ? m.getName() : "the unnamed module";
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void theJarsWorkOnTheModulePath() throws Exception {
        Path src = write("modular", "module-info.java", "module probe { requires dev.gear.junit5; }");
        write("modular", "probe/Main.java", MAIN);
        Path out = dir.resolve("modular-classes");
        assertThat(compile(List.of("--module-path", runtimePath(), "-d", out.toString(),
                src.toString(), src.resolveSibling("probe/Main.java").toString()))).isEmpty();

        String output = run(List.of("--module-path", out + File.pathSeparator + runtimePath(), "--module",
                "probe/probe.Main"));
        assertThat(output).contains("result GEAR", "ca CN=")
                .contains("in probe, gear in dev.gear.protocol, extension in dev.gear.junit5");
    }

    @Test
    void theJarsWorkOnTheClassPath() throws Exception {
        Path main = write("plain", "probe/Main.java", MAIN);
        Path out = dir.resolve("plain-classes");
        assertThat(compile(List.of("--class-path", runtimePath(), "-d", out.toString(), main.toString()))).isEmpty();

        String output = run(List.of("--class-path", out + File.pathSeparator + runtimePath(), "probe.Main"));
        assertThat(output).contains("result GEAR", "ca CN=")
                .contains("in the unnamed module, gear in the unnamed module, extension in the unnamed module");
    }

    @Test
    void internalPackagesAreNotExportedToUsers() throws Exception {
        for (String internal : List.of("dev.gear.junit5.internal.JournalWatch", "dev.gear.testkit.internal",
                "dev.gear.internal.server")) {
            String pkg = internal.endsWith("JournalWatch") ? "dev.gear.junit5.internal" : internal;
            String name = pkg.replace('.', '_');
            Path src = write(name, "module-info.java", "module intruder { requires dev.gear.junit5; }");
            write(name, "intruder/Use.java", "package intruder;\nimport " + pkg + ".*;\nclass Use {}\n");
            String errors = compile(List.of("--module-path", runtimePath(), "-d", dir.resolve(name + "-out").toString(),
                    src.toString(), src.resolveSibling("intruder/Use.java").toString()));
            assertThat(errors).as(pkg).contains("package " + pkg + " is not visible");
        }
    }

    private Path write(String root, String file, String text) throws IOException {
        Path path = dir.resolve(root).resolve(file);
        Files.createDirectories(path.getParent());
        return Files.writeString(path, text, StandardCharsets.UTF_8);
    }

    /** javac in this JVM; returns what it printed when it failed, empty when it compiled. */
    private static String compile(List<String> args) {
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow(() -> new AssertionError("no javac in "
                + System.getProperty("java.home")));
        StringWriter messages = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--release", "17"));
        all.addAll(args);
        PrintWriter out = new PrintWriter(messages);
        int status = javac.run(out, out, all.toArray(String[]::new));
        out.flush();
        return status == 0 ? "" : messages.toString();
    }

    private String run(List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(args);
        Path log = dir.resolve("run-" + System.nanoTime() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the probe did not finish within 60 s: " + command + "\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        assertThat(process.exitValue()).as("exit status of %s; it printed:%n%s", command, output).isZero();
        return output;
    }

    /** The runtime dependencies of src-it, as the dependency plugin wrote them (gear's three jars among them). */
    private static String runtimePath() throws IOException {
        String file = System.getProperty("gear.runtimeClasspath");
        assertThat(file).as("system property gear.runtimeClasspath (set by src-it's pom)").isNotNull();
        String path = Files.readString(Path.of(file)).trim();
        List<String> entries = Stream.of(path.split(File.pathSeparator)).toList();
        assertThat(entries).as("gear's jars on " + file)
                .anyMatch(e -> e.contains("gear-protocol")).anyMatch(e -> e.contains("gear-testkit"))
                .anyMatch(e -> e.contains("gear-junit5"));
        return entries.stream().collect(Collectors.joining(File.pathSeparator));
    }
}
