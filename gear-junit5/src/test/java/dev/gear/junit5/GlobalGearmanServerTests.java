package dev.gear.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.testkit.EmbeddedGearmanServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The whole-run server, through the real launcher (which finds our TestExecutionListener with
 * {@code ServiceLoader}, as Maven Surefire, Gradle and IDEs do): classes running in parallel share it,
 * its address is in system properties before any test class initializes, it is gone after the plan,
 * and bad configuration gets a message naming the key.
 */
class GlobalGearmanServerTests {
    static final Map<String, String> SEEN = new ConcurrentHashMap<>();
    /** Both classes must be inside a test at the same time: they really run in parallel. */
    static volatile CyclicBarrier together;

    @BeforeEach
    void clear() {
        SEEN.clear();
        together = new CyclicBarrier(2);
    }

    private static TestExecutionSummary launch(Map<String, String> parameters, Class<?>... classes) {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        for (Class<?> c : classes) {
            request.selectors(selectClass(c));
        }
        parameters.forEach(request::configurationParameter);
        LauncherDiscoveryRequest built = request.build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(built, summary);
        return summary.getSummary();
    }

    private static Map<String, String> parallel(Map<String, String> gear) {
        Map<String, String> all = new LinkedHashMap<>(gear);
        all.put("junit.jupiter.execution.parallel.enabled", "true");
        all.put("junit.jupiter.execution.parallel.mode.default", "concurrent");
        all.put("junit.jupiter.execution.parallel.mode.classes.default", "concurrent");
        return all;
    }

    private static List<String> failures(TestExecutionSummary summary) {
        List<String> out = new ArrayList<>();
        summary.getFailures().forEach(f -> out.add(f.getException().getMessage()));
        return out;
    }

    @Test
    void oneServerIsSharedByClassesRunningInParallelAndVisibleInStaticInitializers() {
        TestExecutionSummary summary = launch(parallel(Map.of("gear.server.global.enabled", "true")),
                FirstTestCase.class, SecondTestCase.class);
        assertThat(failures(summary)).isEmpty();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
        String port = SEEN.get("first.server");
        assertThat(port).isNotNull().isNotEqualTo("0");
        assertThat(SEEN).containsEntry("first.init", port).containsEntry("second.init", port)
                .containsEntry("second.server", port).containsEntry("first.host", "127.0.0.1");
        // After the plan: closed, and its address withdrawn.
        assertThat(System.getProperty(GlobalGearmanServer.PORT_PROPERTY)).isNull();
        assertThat(System.getProperty(GlobalGearmanServer.HOST_PROPERTY)).isNull();
        assertThat(Fixtures.isFree(Integer.parseInt(port))).as("port %s free again", port).isTrue();
    }

    @Test
    void aBadValueIsReportedToTheTestsThatWantTheServerNamingTheKey() {
        TestExecutionSummary summary = launch(Map.of("gear.server.global.enabled", "true",
                "gear.server.global.port", "4730x"), ParameterTestCase.class);
        assertThat(failures(summary)).containsExactly("@GlobalGearmanServer parameter [0] of method"
                + " usesTheServer(EmbeddedGearmanServer) in GlobalGearmanServerTests.ParameterTestCase: the whole-run server did not start:"
                + " gear.server.global.port must be a port number from 0 (any free port) to 65535, got '4730x'");
        summary = launch(Map.of("gear.server.global.enabled", "yes"), ParameterTestCase.class);
        assertThat(failures(summary)).singleElement().asString()
                .endsWith("the whole-run server did not start: gear.server.global.enabled must be true or false, got 'yes'");
    }

    @Test
    void anAclNeedsTlsAndAnExistingFile(@TempDir Path dir) throws Exception {
        TestExecutionSummary summary = launch(Map.of("gear.server.global.enabled", "true",
                "gear.server.global.acl", dir.resolve("missing.ini").toString()), ParameterTestCase.class);
        assertThat(failures(summary)).singleElement().asString().contains(
                "gear.server.global.acl names no readable file: '" + dir.resolve("missing.ini") + "'");
        Path acl = Files.writeString(dir.resolve("acl.ini"), "[client]\ninvoke=.*\n", StandardCharsets.UTF_8);
        summary = launch(Map.of("gear.server.global.enabled", "true", "gear.server.global.acl", acl.toString()),
                ParameterTestCase.class);
        assertThat(failures(summary)).singleElement().asString().endsWith(
                "gear.server.global.acl needs gear.server.global.tls=true: the ACL's identity is the client"
                        + " certificate's CN");
        summary = launch(Map.of("gear.server.global.enabled", "true", "gear.server.global.tls", "true",
                "gear.server.global.acl", acl.toString()), TlsTestCase.class);
        assertThat(failures(summary)).isEmpty();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    }

    @Test
    void withoutTheSettingAnInjectionSaysHowToTurnItOn() {
        TestExecutionSummary summary = launch(Map.of(), ParameterTestCase.class);
        assertThat(failures(summary)).containsExactly("@GlobalGearmanServer parameter [0] of method"
                + " usesTheServer(EmbeddedGearmanServer) in GlobalGearmanServerTests.ParameterTestCase needs the whole-run server, which is off:"
                + " set gear.server.global.enabled=true in src/test/resources/junit-platform.properties (it is started"
                + " by a TestExecutionListener, so junit-platform-launcher must be on the test class path, as it is"
                + " under Maven Surefire, Gradle and IDEs)");
    }

    private static void completesAJob(EmbeddedGearmanServer server, String function) throws Exception {
        server.stub(function).willComplete("done " + function);
        try (Client client = server.newClient()) {
            client.waitForServer(Duration.ofSeconds(10));
            Job job = client.submitJob(new Job(function, "x"));
            assertThat(job.completion().get(10, TimeUnit.SECONDS).dataAsString()).isEqualTo("done " + function);
        }
    }

    @Tag("fixture")
    static class FirstTestCase {
        static final String PORT_AT_INIT = System.getProperty(GlobalGearmanServer.PORT_PROPERTY);
        @GlobalGearmanServer
        static EmbeddedGearmanServer server;

        @Test
        void seesTheServer() throws Exception {
            SEEN.put("first.init", String.valueOf(PORT_AT_INIT));
            SEEN.put("first.server", String.valueOf(server.port()));
            SEEN.put("first.host", System.getProperty(GlobalGearmanServer.HOST_PROPERTY));
            together.await(10, TimeUnit.SECONDS);
            completesAJob(server, "first.fn");
        }
    }

    @Tag("fixture")
    static class SecondTestCase {
        static final String PORT_AT_INIT = System.getProperty(GlobalGearmanServer.PORT_PROPERTY);
        @GlobalGearmanServer
        EmbeddedGearmanServer server;

        @Test
        void seesTheServer() throws Exception {
            SEEN.put("second.init", String.valueOf(PORT_AT_INIT));
            SEEN.put("second.server", String.valueOf(server.port()));
            together.await(10, TimeUnit.SECONDS);
            completesAJob(server, "second.fn");
        }
    }

    @Test
    void theReadmeExampleReachesTheServerThroughThePublishedAddress() {
        TestExecutionSummary summary = launch(Map.of("gear.server.global.enabled", "true"), MailerTestCase.class);
        assertThat(failures(summary)).isEmpty();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    }

    @Tag("fixture")
    // quick-start:global:begin
    // src/test/resources/junit-platform.properties: gear.server.global.enabled=true
    static class MailerTestCase {
        // Set before any test class loads: a Spring context cached across classes may read it.
        static final String GEARMAN = System.getProperty("gear.server.host") + ":"
                + System.getProperty("gear.server.port");

        @GlobalGearmanServer
        static EmbeddedGearmanServer server;                 // the run's one server; reset() is yours to call

        @Test
        void welcomeMailsGoThroughGearman() {
            server.stub("mail").willComplete("sent");
            Client app = new Client();                       // configured as the application would be
            app.addServer(GEARMAN.split(":")[0], Integer.parseInt(GEARMAN.split(":")[1]));
            app.waitForServer(Duration.ofSeconds(5));

            assertThat(app.submitJob(new Job("mail", "welcome")).waitForCompletion(Duration.ofSeconds(5))
                    .dataAsString()).isEqualTo("sent");
            app.shutdown();
        }
    }
    // quick-start:global:end

    @Tag("fixture")
    static class ParameterTestCase {
        @Test
        void usesTheServer(@GlobalGearmanServer EmbeddedGearmanServer server) {
            assertThat(server.isRunning()).isTrue();
        }
    }

    @Tag("fixture")
    static class TlsTestCase {
        @Test
        void usesTheServer(@GlobalGearmanServer EmbeddedGearmanServer server) {
            assertThat(server.isTls()).isTrue();
        }
    }
}
