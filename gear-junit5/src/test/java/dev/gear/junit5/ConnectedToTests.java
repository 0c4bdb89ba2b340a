package dev.gear.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Client;
import dev.gear.Job;
import dev.gear.Precedence;
import dev.gear.Worker;
import dev.gear.testkit.EmbeddedGearmanServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/** {@link ConnectedTo}: choosing the server of an injected Client or Worker when several are in scope. */
class ConnectedToTests {
    private static final Duration T = Duration.ofSeconds(5);

    @GearmanServer
    EmbeddedGearmanServer scheduler;
    @GearmanServer
    EmbeddedGearmanServer executor;

    @Test
    void eachPeerConnectsToTheFieldItNames(@ConnectedTo("scheduler") Client zuul,
            @ConnectedTo("executor") @CanDo("build") Worker builder, @ConnectedTo("executor") Client executorClient) {
        zuul.submitJob(new Job("schedule", "change-1"), true, Precedence.NORMAL, T);
        Job build = executorClient.submitJob(new Job("build", "change-1"));
        builder.getJob(T).sendWorkComplete("built");

        assertThat(build.waitForCompletion(T).dataAsString()).isEqualTo("built");
        assertThat(scheduler.journal().jobs()).extracting(j -> j.function()).containsExactly("schedule");
        assertThat(executor.journal().jobs()).extracting(j -> j.function()).containsExactly("build");
        assertThat(scheduler.snapshot().function("build")).isEmpty();
    }

    @Nested
    class InANestedClass {
        @Test
        void theEnclosingClassFieldsAreInScope(@ConnectedTo("executor") @CanDo("deploy") Worker worker) {
            assertThat(executor.snapshot().function("deploy").orElseThrow().workers()).isEqualTo(1);
            assertThat(scheduler.snapshot().function("deploy")).isEmpty();
        }
    }

    @Test
    void aNameMatchingNoFieldIsReportedWithTheServersInScope() {
        assertThat(failureMessage(UnknownNameTestCase.class)).isEqualTo("@ConnectedTo(\"shceduler\") on parameter [0]"
                + " of method test(Client) in ConnectedToTests.UnknownNameTestCase names no @GearmanServer field in"
                + " scope; in scope: field 'executor' of ConnectedToTests.UnknownNameTestCase, field 'scheduler' of"
                + " ConnectedToTests.UnknownNameTestCase");
    }

    @Test
    void aNameMatchingTwoFieldsIsReported() {
        assertThat(failureMessage(AmbiguousTestCase.Inner.class)).isEqualTo("@ConnectedTo(\"server\") on parameter"
                + " [0] of method test(Client) in ConnectedToTests.AmbiguousTestCase.Inner names 2 @GearmanServer"
                + " fields in scope (field 'server' of ConnectedToTests.AmbiguousTestCase, field 'server' of"
                + " ConnectedToTests.AmbiguousTestCase.Inner): rename one of them");
    }

    @Test
    void onAnythingButAClientOrWorkerItIsMisplaced() {
        assertThat(failureMessage(MisplacedTestCase.class)).isEqualTo("@ConnectedTo on parameter [0] of method"
                + " test(EmbeddedGearmanServer) in ConnectedToTests.MisplacedTestCase has no effect: it applies only"
                + " to Client and Worker parameters");
    }

    private static String failureMessage(Class<?> fixture) {
        EngineExecutionResults results = Fixtures.run(fixture);
        List<Event> failed = results.allEvents().failed().list();
        assertThat(failed).as("failed events of %s", fixture).hasSize(1);
        return failed.get(0).getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow().getMessage();
    }

    @Tag("fixture")
    @ExtendWith(GearExtension.class)
    static class UnknownNameTestCase {
        @GearmanServer
        EmbeddedGearmanServer scheduler;
        @GearmanServer
        EmbeddedGearmanServer executor;

        @Test
        void test(@ConnectedTo("shceduler") Client client) {
        }
    }

    @Tag("fixture")
    @ExtendWith(GearExtension.class)
    static class AmbiguousTestCase {
        @GearmanServer
        EmbeddedGearmanServer server;

        @Nested
        class Inner {
            @GearmanServer
            EmbeddedGearmanServer server;

            @Test
            void test(@ConnectedTo("server") Client client) {
            }
        }
    }

    @Tag("fixture")
    @ExtendWith(GearExtension.class)
    static class MisplacedTestCase {
        @GearmanServer
        EmbeddedGearmanServer server;

        @Test
        void test(@ConnectedTo("server") EmbeddedGearmanServer server) {
        }
    }
}
