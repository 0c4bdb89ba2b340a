package dev.gear.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.testkit.EmbeddedGearmanServer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EventType;

/** A failing test carries the journal of every server it could see; a passing one carries none. */
class JournalOnFailureTests {

    @Test
    void failingTestCarriesTheJournalsAsSuppressedExceptionsAndReportEntries() {
        EngineExecutionResults results = Fixtures.run(FailingTestCase.class);

        Throwable failure = Fixtures.onlyFailure(results);
        assertThat(failure).hasMessage("the job went missing");
        List<String> dumps = Arrays.stream(failure.getSuppressed()).map(Throwable::getMessage).toList();
        assertThat(dumps).hasSize(2);
        assertThat(dumps).anySatisfy(d -> assertThat(d)
                .startsWith("Journal of EmbeddedGearmanServer[JournalOnFailureTests.FailingTestCase.shared 127.0.0.1:")
                .contains("(static field 'shared' of JournalOnFailureTests.FailingTestCase):\njournal: ")
                .contains("JobSubmitted").contains("function=resize").contains("payload=\"cat.png\""));
        assertThat(dumps).anySatisfy(d -> assertThat(d)
                .contains("(parameter [0] of method fails(EmbeddedGearmanServer) in JournalOnFailureTests.FailingTestCase)"));
        assertThat(reportKeys(results)).containsExactlyInAnyOrder(
                "gear.journal static field 'shared' of JournalOnFailureTests.FailingTestCase",
                "gear.journal parameter [0] of method fails(EmbeddedGearmanServer) in JournalOnFailureTests.FailingTestCase");
    }

    @Test
    void theFailingTestsOwnEventsAreMarkedOnASharedServer() {
        Throwable failure = Fixtures.onlyFailure(Fixtures.run(SharedServerTestCase.class));

        String dump = failure.getSuppressed()[0].getMessage();
        assertThat(dump).contains("marked '>' (#").contains(" on) happened while the failing test ran\n");
        assertThat(dump.lines().filter(l -> l.contains("payload=\"earlier\""))).singleElement().asString()
                .startsWith("  #");
        assertThat(dump.lines().filter(l -> l.contains("payload=\"mine\""))).singleElement().asString()
                .startsWith("> #");
    }

    @Test
    void failingAfterEachCarriesTheJournalToo() {
        Throwable failure = Fixtures.onlyFailure(Fixtures.run(FailingAfterEachTestCase.class));

        assertThat(failure.getSuppressed()).singleElement().extracting(Throwable::getMessage).asString()
                .contains("function=audit");
    }

    @Test
    void passingAndAbortedTestsCarryNoJournal() {
        EngineExecutionResults results = Fixtures.run(PassingTestCase.class);

        results.testEvents().assertStatistics(s -> s.succeeded(1).aborted(1));
        assertThat(reportKeys(results)).isEmpty();
    }

    private static List<String> reportKeys(EngineExecutionResults results) {
        return results.allEvents().stream().filter(e -> e.getType() == EventType.REPORTING_ENTRY_PUBLISHED)
                .flatMap(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs().keySet().stream())
                .filter(k -> k.startsWith("gear.journal")).toList();
    }

    @Tag("fixture")
    static class FailingTestCase {
        @GearmanServer
        static EmbeddedGearmanServer shared;

        @Test
        void fails(@GearmanServer EmbeddedGearmanServer own) {
            shared.submit("resize", "cat.png");
            throw new AssertionError("the job went missing");
        }
    }

    @Tag("fixture")
    @org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
    static class SharedServerTestCase {
        @GearmanServer
        static EmbeddedGearmanServer shared;

        @Test
        @org.junit.jupiter.api.Order(1)
        void passesFirst() {
            shared.submit("resize", "earlier");
        }

        @Test
        @org.junit.jupiter.api.Order(2)
        void failsSecond() {
            shared.submit("resize", "mine");
            throw new AssertionError("the job went missing");
        }
    }

    @Tag("fixture")
    static class FailingAfterEachTestCase {
        @GearmanServer
        EmbeddedGearmanServer server;

        @Test
        void passes() {
            server.submit("audit", "x");
        }

        @AfterEach
        void verifies() {
            throw new AssertionError("audit not finished");
        }
    }

    @Tag("fixture")
    static class PassingTestCase {
        @GearmanServer
        EmbeddedGearmanServer server;

        @Test
        void passes() {
            server.submit("fine", "x");
        }

        @Test
        void aborts() {
            server.submit("fine", "y");
            Assumptions.abort("not today");
        }
    }
}
