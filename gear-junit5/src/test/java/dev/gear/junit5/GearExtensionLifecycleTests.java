package dev.gear.junit5;

import static dev.gear.junit5.Fixtures.PORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.Client;
import dev.gear.GearmanException;
import dev.gear.Job;
import dev.gear.Worker;
import dev.gear.WorkerJob;
import dev.gear.testkit.EmbeddedGearmanServer;
import dev.gear.testkit.JobCriteria;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Which server a test gets, for how long, and that it is gone afterwards; run through EngineTestKit. */
class GearExtensionLifecycleTests {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void staticFieldIsOneServerForTheClassAndReleasesItsPortAfterwards() {
        EngineExecutionResults results = Fixtures.run(StaticFieldTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        List<Integer> ports = Fixtures.ports(results);
        assertThat(ports).hasSize(2);
        assertThat(ports.get(0)).isEqualTo(ports.get(1));
        assertThat(Fixtures.isFree(ports.get(0))).as("port %s is released after the class", ports.get(0)).isTrue();
    }

    @Test
    void instanceFieldIsOneServerPerTest() {
        EngineExecutionResults results = Fixtures.run(InstanceFieldTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        List<Integer> ports = Fixtures.ports(results);
        assertThat(ports).hasSize(2).doesNotHaveDuplicates();
        assertThat(ports).allSatisfy(p -> assertThat(Fixtures.isFree(p)).as("port %s released", p).isTrue());
    }

    @Test
    void parameterIsOneServerForThatMethod() {
        EngineExecutionResults results = Fixtures.run(ParameterTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        List<Integer> ports = Fixtures.ports(results);
        assertThat(ports).hasSize(2).doesNotHaveDuplicates();
        assertThat(ports).allSatisfy(p -> assertThat(Fixtures.isFree(p)).as("port %s released", p).isTrue());
    }

    @Test
    void nestedClassesSeeTheOuterServer() {
        EngineExecutionResults results = Fixtures.run(NestedTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(3).succeeded(3));
        List<Integer> ports = Fixtures.ports(results);
        assertThat(ports).hasSize(3).containsOnly(ports.get(0));
        assertThat(Fixtures.isFree(ports.get(0))).isTrue();
    }

    @Test
    void aServerTheTestBuiltIsOnlyStartedAndClosed() {
        EngineExecutionResults results = Fixtures.run(PrefilledFieldTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(PrefilledFieldTestCase.server.isRunning()).as("closed after the class").isFalse();
        assertThat(Fixtures.isFree(Fixtures.ports(results).get(0))).isTrue();
    }

    @Test
    void perClassInstanceKeepsOneServerAcrossItsTests() {
        EngineExecutionResults results = Fixtures.run(PerClassInstanceTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        List<Integer> ports = Fixtures.ports(results);
        assertThat(ports).hasSize(2).containsOnly(ports.get(0));
        assertThat(Fixtures.isFree(ports.get(0))).isTrue();
    }

    @Test
    void perClassInstanceServerIsRunningInBeforeAll() {
        EngineExecutionResults results = Fixtures.run(PerClassBeforeAllTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        results.containerEvents().assertStatistics(s -> s.failed(0));
        assertThat(Fixtures.ports(results)).hasSize(2).containsOnly(Fixtures.ports(results).get(0));
    }

    @Test
    void clientAndWorkerParametersAreConnectedAndClosedAfterTheTest() {
        EngineExecutionResults results = Fixtures.run(PeersTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThatThrownBy(() -> PeersTestCase.client.submitJob(new Job("echo", "late")))
                .as("the injected client is closed after the test").isInstanceOf(GearmanException.class);
    }

    @Test
    void classLevelExtendWithInjectsIntoNestedClassesWithoutTheirOwnServer() {
        EngineExecutionResults results = Fixtures.run(ClassLevelTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
    }

    @Test
    void parallelTestsEachGetTheirOwnServerAndSeeOnlyTheirOwnJobs() {
        ParallelTestCase.reset();
        EngineExecutionResults results = Fixtures.runInParallel(ParallelTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(4).succeeded(4));
        assertThat(ParallelTestCase.threads).as("ran on 4 threads at once").hasSize(4);
        List<Integer> ports = Fixtures.ports(results);
        assertThat(ports).hasSize(4).doesNotHaveDuplicates();
        assertThat(ports).allSatisfy(p -> assertThat(Fixtures.isFree(p)).isTrue());
    }

    @Test
    void subclassesRunningInParallelShareTheStaticServerOfTheirSuperclass() {
        InheritedStaticField.reset();
        EngineExecutionResults results = Fixtures.runInParallel(InheritedStaticField.FirstTestCase.class,
                InheritedStaticField.SecondTestCase.class);

        results.allEvents().assertStatistics(s -> s.failed(0));
        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        List<Integer> ports = Fixtures.ports(results);
        assertThat(ports).hasSize(2).containsOnly(ports.get(0));
        assertThat(Fixtures.isFree(ports.get(0))).as("closed after the last class using it").isTrue();
    }

    @Test
    void subclassesRunOneAfterTheOtherEachGetAServerForTheirOwnRun() {
        EngineExecutionResults results = Fixtures.run(SequentialSubclasses.FirstTestCase.class,
                SequentialSubclasses.SecondTestCase.class);

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(Fixtures.ports(results)).hasSize(2).allSatisfy(p -> assertThat(Fixtures.isFree(p)).isTrue());
    }

    // ------------------------------------------------------------------------------ fixtures

    static final class SequentialSubclasses {
        abstract static class Base {
            @GearmanServer
            static EmbeddedGearmanServer server;

            @Test
            void running(TestReporter reporter) {
                assertThat(server.isRunning()).isTrue();
                reporter.publishEntry(PORT, Integer.toString(server.port()));
            }
        }

        @Tag("fixture")
        static class FirstTestCase extends Base {
        }

        @Tag("fixture")
        static class SecondTestCase extends Base {
        }
    }

    /**
     * Two subclasses of one base class with a static server, made to overlap: the second class
     * starts only once the first has seen its server, and the first checks its server again only
     * once the second has started. Each must see one and the same running server throughout.
     */
    static final class InheritedStaticField {
        static CountDownLatch firstStarted;
        static CountDownLatch secondStarted;
        static volatile EmbeddedGearmanServer seenByFirst;

        static void reset() {
            firstStarted = new CountDownLatch(1);
            secondStarted = new CountDownLatch(1);
            seenByFirst = null;
        }

        abstract static class Base {
            @GearmanServer
            static EmbeddedGearmanServer server;
        }

        @Tag("fixture")
        static class FirstTestCase extends Base {
            @BeforeAll
            static void seeTheServer() {
                seenByFirst = server;
                firstStarted.countDown();
            }

            @Test
            void keepsItsServerWhileTheSecondClassRuns(TestReporter reporter) throws Exception {
                assertThat(secondStarted.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
                assertThat(server).isSameAs(seenByFirst);
                assertThat(server.isRunning()).isTrue();
                reporter.publishEntry(PORT, Integer.toString(server.port()));
            }
        }

        @Tag("fixture")
        @ExtendWith(AfterFirstStarted.class) // registered before the field's extension, so it runs first
        static class SecondTestCase extends Base {
            @BeforeAll
            static void started() {
                secondStarted.countDown();
            }

            @Test
            void usesTheSameServer(TestReporter reporter) {
                assertThat(server).isSameAs(seenByFirst);
                assertThat(server.isRunning()).isTrue();
                reporter.publishEntry(PORT, Integer.toString(server.port()));
            }
        }

        static final class AfterFirstStarted implements BeforeAllCallback {
            @Override
            public void beforeAll(ExtensionContext context) throws Exception {
                assertThat(firstStarted.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            }
        }
    }

    @Tag("fixture")
    static class StaticFieldTestCase {
        @GearmanServer
        static EmbeddedGearmanServer server;

        @Test
        void first(TestReporter reporter) {
            assertThat(server.isRunning()).isTrue();
            reporter.publishEntry(PORT, Integer.toString(server.port()));
        }

        @Test
        void second(TestReporter reporter) {
            assertThat(server.isRunning()).isTrue();
            reporter.publishEntry(PORT, Integer.toString(server.port()));
        }
    }

    @Tag("fixture")
    static class InstanceFieldTestCase {
        @GearmanServer
        EmbeddedGearmanServer server;

        @Test
        void first(TestReporter reporter) {
            reporter.publishEntry(PORT, Integer.toString(server.port()));
        }

        @Test
        void second(TestReporter reporter) {
            reporter.publishEntry(PORT, Integer.toString(server.port()));
        }
    }

    @Tag("fixture")
    static class ParameterTestCase {
        @Test
        void first(@GearmanServer EmbeddedGearmanServer server, TestReporter reporter) {
            reporter.publishEntry(PORT, Integer.toString(server.port()));
        }

        @Test
        void second(TestReporter reporter, @GearmanServer EmbeddedGearmanServer server, Client client) {
            // The client resolves to the method's own server even though it is declared after it.
            client.submitJob(new Job("p", "x"), true, dev.gear.Precedence.NORMAL, TIMEOUT);
            server.awaitJob(JobCriteria.function("p"), TIMEOUT);
            reporter.publishEntry(PORT, Integer.toString(server.port()));
        }
    }

    @Tag("fixture")
    static class NestedTestCase {
        @GearmanServer
        static EmbeddedGearmanServer server;

        @Test
        void outer(TestReporter reporter) {
            reporter.publishEntry(PORT, Integer.toString(server.port()));
        }

        @Nested
        class Inner {
            @Test
            void inner(EmbeddedGearmanServer injected, TestReporter reporter) {
                assertThat(injected).isSameAs(server);
                reporter.publishEntry(PORT, Integer.toString(injected.port()));
            }

            @Nested
            class Deeper {
                @Test
                void deeper(Client client, TestReporter reporter) {
                    assertThat(client.getConnection().port()).isEqualTo(server.port());
                    reporter.publishEntry(PORT, Integer.toString(server.port()));
                }
            }
        }
    }

    @Tag("fixture")
    static class PrefilledFieldTestCase {
        @GearmanServer
        static final EmbeddedGearmanServer server = EmbeddedGearmanServer.builder().journalCapacity(5).build();

        @Test
        void usesTheBuiltServer(TestReporter reporter) {
            assertThat(server.isRunning()).isTrue();
            assertThat(server.journal().capacity()).isEqualTo(5);
            reporter.publishEntry(PORT, Integer.toString(server.port()));
        }
    }

    @Tag("fixture")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class PerClassInstanceTestCase {
        @GearmanServer
        EmbeddedGearmanServer server;

        @Test
        void first(TestReporter reporter) {
            reporter.publishEntry(PORT, Integer.toString(server.port()));
        }

        @Test
        void second(TestReporter reporter) {
            assertThat(server.isRunning()).isTrue();
            reporter.publishEntry(PORT, Integer.toString(server.port()));
        }
    }

    @Tag("fixture")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    static class PerClassBeforeAllTestCase {
        @GearmanServer
        EmbeddedGearmanServer server;

        @org.junit.jupiter.api.BeforeAll
        void stubBeforeAll(TestReporter reporter) {
            server.stub("resize").willComplete("small");
            reporter.publishEntry(PORT, Integer.toString(server.port()));
        }

        @Test
        void usesTheStub(TestReporter reporter) {
            assertThat(server.submit("resize", "big").awaitResultAsString(java.time.Duration.ofSeconds(10)))
                    .isEqualTo("small");
            reporter.publishEntry(PORT, Integer.toString(server.port()));
        }
    }

    @Tag("fixture")
    static class PeersTestCase {
        @GearmanServer
        static EmbeddedGearmanServer server;
        static Client client;

        @Test
        void workerRunsTheClientsJob(Client client, @CanDo("echo") Worker worker) throws Exception {
            PeersTestCase.client = client;
            Job job = client.submitJob(new Job("echo", "hello"));
            WorkerJob work = worker.getJob(TIMEOUT);
            work.sendWorkComplete(work.arguments());
            assertThat(job.waitForCompletion(TIMEOUT).dataAsString()).isEqualTo("hello");
        }
    }

    @Tag("fixture")
    @ExtendWith(GearExtension.class)
    static class ClassLevelTestCase {
        @GearmanServer
        static EmbeddedGearmanServer server;

        @BeforeAll
        static void classClientSeesTheStaticServer(Client client) {
            assertThat(client.getConnection().port()).isEqualTo(server.port());
        }

        @Nested
        class Inner {
            @Test
            void injects(Client client, EmbeddedGearmanServer injected) {
                assertThat(injected).isSameAs(server);
                assertThat(client.echo()).isNotEmpty();
            }
        }
    }

    @Tag("fixture")
    static class ParallelTestCase {
        static final ConcurrentHashMap<String, Boolean> threads = new ConcurrentHashMap<>();
        static CyclicBarrier together = new CyclicBarrier(4);

        static void reset() {
            threads.clear();
            together = new CyclicBarrier(4);
        }

        @GearmanServer
        EmbeddedGearmanServer server;

        @Test
        void a(TestInfo info, TestReporter reporter, Client client) throws Exception {
            submitOwnJob(info, reporter, client);
        }

        @Test
        void b(TestInfo info, TestReporter reporter, Client client) throws Exception {
            submitOwnJob(info, reporter, client);
        }

        @Test
        void c(TestInfo info, TestReporter reporter, Client client) throws Exception {
            submitOwnJob(info, reporter, client);
        }

        @Test
        void d(TestInfo info, TestReporter reporter, Client client) throws Exception {
            submitOwnJob(info, reporter, client);
        }

        private void submitOwnJob(TestInfo info, TestReporter reporter, Client client) throws Exception {
            threads.put(Thread.currentThread().getName(), true);
            together.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS); // all four run at once, or time out
            String function = info.getTestMethod().orElseThrow().getName();
            client.submitJob(new Job(function, "x"), true, dev.gear.Precedence.NORMAL, TIMEOUT);
            server.awaitJob(JobCriteria.function(function), TIMEOUT);
            assertThat(server.journal().jobs()).extracting(j -> j.function()).containsExactly(function);
            reporter.publishEntry(PORT, Integer.toString(server.port()));
        }
    }
}
