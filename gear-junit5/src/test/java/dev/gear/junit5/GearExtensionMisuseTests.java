package dev.gear.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Client;
import dev.gear.Worker;
import dev.gear.testkit.EmbeddedGearmanServer;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/** Misuse fails fast, naming the field or parameter and the fix; the messages are asserted verbatim. */
class GearExtensionMisuseTests {

    @Test
    void finalEmptyField() {
        assertThat(failureMessage(FinalEmptyFieldTestCase.class)).isEqualTo(
                "@GearmanServer field 'server' of GearExtensionMisuseTests.FinalEmptyFieldTestCase is final and empty,"
                        + " so the extension cannot set it: remove 'final', or assign it a server made with"
                        + " EmbeddedGearmanServer.builder()");
    }

    @Test
    void fieldOfTheWrongType() {
        assertThat(failureMessage(WrongFieldTypeTestCase.class)).isEqualTo(
                "@GearmanServer static field 'server' of GearExtensionMisuseTests.WrongFieldTypeTestCase is of type"
                        + " String: declare it as EmbeddedGearmanServer");
    }

    @Test
    void builtServerWithAttributes() {
        assertThat(failureMessage(PrefilledWithAttributesTestCase.class)).isEqualTo(
                "@GearmanServer static field 'server' of GearExtensionMisuseTests.PrefilledWithAttributesTestCase"
                        + " already holds a server, so the extension would ignore the attribute(s) unmatched,"
                        + " journalCapacity: configure that server with EmbeddedGearmanServer.builder(), or leave"
                        + " the field empty");
    }

    @Test
    void constructorParameter() {
        assertThat(failureMessage(ConstructorParameterTestCase.class)).isEqualTo(
                "@GearmanServer cannot be injected into parameter [0] of constructor"
                        + " GearExtensionMisuseTests.ConstructorParameterTestCase(EmbeddedGearmanServer): use a"
                        + " @GearmanServer field, or a parameter of a test or lifecycle method");
    }

    @Test
    void clientConstructorParameter() {
        assertThat(failureMessage(ClientConstructorParameterTestCase.class)).isEqualTo(
                "Client cannot be injected into parameter [0] of constructor"
                        + " GearExtensionMisuseTests.ClientConstructorParameterTestCase(Client): use a"
                        + " @GearmanServer field, or a parameter of a test or lifecycle method");
    }

    @Test
    void parameterOfTheWrongType() {
        assertThat(failureMessage(WrongParameterTypeTestCase.class)).isEqualTo(
                "@GearmanServer parameter [0] of method test(Object) in"
                        + " GearExtensionMisuseTests.WrongParameterTypeTestCase is of type Object: declare it as"
                        + " EmbeddedGearmanServer");
    }

    @Test
    void twoServersWhereOneWasExpected() {
        assertThat(failureMessage(TwoServersTestCase.class)).isEqualTo(
                "Client parameter [0] of method test(Client) in GearExtensionMisuseTests.TwoServersTestCase needs"
                        + " one Gearman server, but 2 are in scope (field 'first' of"
                        + " GearExtensionMisuseTests.TwoServersTestCase, field 'second' of"
                        + " GearExtensionMisuseTests.TwoServersTestCase): name the field you mean with @ConnectedTo,"
                        + " or call newClient() on that server instead");
    }

    @Test
    void noServerInScope() {
        assertThat(failureMessage(NoServerTestCase.class)).isEqualTo(
                "Worker parameter [0] of method test(Worker) in GearExtensionMisuseTests.NoServerTestCase needs a"
                        + " Gearman server, but none is in scope: annotate a field or parameter of type"
                        + " EmbeddedGearmanServer with @GearmanServer");
    }

    @Test
    void clientCertOnAPlainServer() {
        assertThat(failureMessage(ClientCertWithoutTlsTestCase.class)).isEqualTo(
                "@ClientCert(\"alice\") on parameter [0] of method test(Client) in"
                        + " GearExtensionMisuseTests.ClientCertWithoutTlsTestCase needs a TLS server, but static"
                        + " field 'server' of GearExtensionMisuseTests.ClientCertWithoutTlsTestCase is plain: use"
                        + " @GearmanServer(tls = true)");
    }

    @Test
    void canDoOnAClient() {
        assertThat(failureMessage(CanDoOnClientTestCase.class)).isEqualTo(
                "@CanDo on parameter [0] of method test(Client) in GearExtensionMisuseTests.CanDoOnClientTestCase"
                        + " has no effect: it applies only to Worker parameters");
    }

    @Test
    void clientCertOnAServerParameter() {
        assertThat(failureMessage(ClientCertOnServerTestCase.class)).isEqualTo(
                "@ClientCert on parameter [0] of method test(EmbeddedGearmanServer) in"
                        + " GearExtensionMisuseTests.ClientCertOnServerTestCase has no effect: it applies only to"
                        + " Client and Worker parameters");
    }

    @Test
    void aclWithoutTls() {
        assertThat(failureMessage(AclWithoutTlsTestCase.class)).isEqualTo(
                "@GearmanServer static field 'server' of GearExtensionMisuseTests.AclWithoutTlsTestCase has acl"
                        + " entries but not tls: the ACL knows peers by their client certificate's CN, so without"
                        + " TLS it would deny everyone; add tls = true");
    }

    @Test
    void aclWithAnInvalidPattern() {
        assertThat(failureMessage(InvalidAclTestCase.class)).isEqualTo(
                "@GearmanServer parameter [0] of method test(EmbeddedGearmanServer) in"
                        + " GearExtensionMisuseTests.InvalidAclTestCase has an invalid acl entry: invalid invoke regex"
                        + " 'resize(' for subject web: Unclosed group near index 7");
    }

    @Test
    void aclWithTwoEntriesForOneSubject() {
        assertThat(failureMessage(DuplicateAclSubjectTestCase.class)).isEqualTo(
                "@GearmanServer field 'server' of GearExtensionMisuseTests.DuplicateAclSubjectTestCase has an"
                        + " invalid acl entry: An ACL entry for web already exists");
    }

    @Test
    void workerWhoseRegistrationTheAclDenies() {
        assertThat(failureMessage(RegistrationDeniedTestCase.class)).isEqualTo(
                "@CanDo(\"resize\") on parameter [0] of method test(Worker) in"
                        + " GearExtensionMisuseTests.RegistrationDeniedTestCase cannot register: the ACL of static"
                        + " field 'server' of GearExtensionMisuseTests.RegistrationDeniedTestCase does not let"
                        + " CN=worker register 'resize'; add @GearmanServer.Acl(subject = \"worker\", register = ...)"
                        + " or name a permitted certificate with @ClientCert");
    }

    @Test
    void builtServerInASuperclassUsedAgainAfterItWasClosed() {
        assertThat(failureMessage(InheritedBuiltServer.FirstTestCase.class, InheritedBuiltServer.SecondTestCase.class))
                .isEqualTo("@GearmanServer static field 'server' of GearExtensionMisuseTests.InheritedBuiltServer.Base"
                        + " holds a server that was closed after an earlier test class used it, and a closed server"
                        + " cannot start again: leave the field empty so that each class gets a new server");
    }

    /** Runs the fixtures one after the other and returns the message of their one failure (test or container). */
    private static String failureMessage(Class<?>... fixtures) {
        EngineExecutionResults results = Fixtures.run(fixtures);
        List<Event> failed = results.allEvents().failed().list();
        assertThat(failed).as("failed events of %s", List.of(fixtures)).hasSize(1);
        Throwable t = failed.get(0).getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
        return t.getMessage();
    }

    // ------------------------------------------------------------------------------ fixtures

    @Tag("fixture")
    static class FinalEmptyFieldTestCase {
        @GearmanServer
        final EmbeddedGearmanServer server = null;

        @Test
        void test() {
        }
    }

    @Tag("fixture")
    static class WrongFieldTypeTestCase {
        @GearmanServer
        static String server;

        @Test
        void test() {
        }
    }

    @Tag("fixture")
    static class PrefilledWithAttributesTestCase {
        @GearmanServer(unmatched = dev.gear.testkit.UnmatchedPolicy.FAIL_FAST, journalCapacity = 10)
        static EmbeddedGearmanServer server = EmbeddedGearmanServer.builder().build();

        @Test
        void test() {
        }
    }

    @Tag("fixture")
    static class ConstructorParameterTestCase {
        ConstructorParameterTestCase(@GearmanServer EmbeddedGearmanServer server) {
        }

        @Test
        void test() {
        }
    }

    @Tag("fixture")
    static class ClientConstructorParameterTestCase {
        @GearmanServer
        static EmbeddedGearmanServer server;

        ClientConstructorParameterTestCase(Client client) {
        }

        @Test
        void test() {
        }
    }

    @Tag("fixture")
    static class WrongParameterTypeTestCase {
        @Test
        void test(@GearmanServer Object server) {
        }
    }

    @Tag("fixture")
    static class TwoServersTestCase {
        @GearmanServer
        EmbeddedGearmanServer first;
        @GearmanServer
        EmbeddedGearmanServer second;

        @Test
        void test(Client client) {
        }
    }

    @Tag("fixture")
    @ExtendWith(GearExtension.class)
    static class NoServerTestCase {
        @Test
        void test(Worker worker) {
        }
    }

    @Tag("fixture")
    static class ClientCertWithoutTlsTestCase {
        @GearmanServer
        static EmbeddedGearmanServer server;

        @Test
        void test(@ClientCert("alice") Client client) {
        }
    }

    @Tag("fixture")
    static class CanDoOnClientTestCase {
        @GearmanServer
        static EmbeddedGearmanServer server;

        @Test
        void test(@CanDo("x") Client client) {
        }
    }

    @Tag("fixture")
    static class ClientCertOnServerTestCase {
        @Test
        void test(@ClientCert("alice") @GearmanServer EmbeddedGearmanServer server) {
        }
    }

    @Tag("fixture")
    static class AclWithoutTlsTestCase {
        @GearmanServer(acl = @GearmanServer.Acl(subject = "web", invoke = "resize"))
        static EmbeddedGearmanServer server;

        @Test
        void test() {
        }
    }

    @Tag("fixture")
    static class InvalidAclTestCase {
        @Test
        void test(@GearmanServer(tls = true, acl = @GearmanServer.Acl(subject = "web", invoke = "resize("))
                EmbeddedGearmanServer server) {
        }
    }

    @Tag("fixture")
    static class DuplicateAclSubjectTestCase {
        @GearmanServer(tls = true, acl = {
                @GearmanServer.Acl(subject = "web", invoke = "resize"),
                @GearmanServer.Acl(subject = "web", register = "resize")})
        EmbeddedGearmanServer server;

        @Test
        void test() {
        }
    }

    @Tag("fixture")
    static class RegistrationDeniedTestCase {
        @GearmanServer(tls = true, acl = @GearmanServer.Acl(subject = "resizer", register = "resize"))
        static EmbeddedGearmanServer server;

        @Test
        void test(@CanDo("resize") Worker worker) {
        }
    }

    static final class InheritedBuiltServer {
        abstract static class Base {
            @GearmanServer
            static EmbeddedGearmanServer server = EmbeddedGearmanServer.builder().build();

            @Test
            void test() {
            }
        }

        @Tag("fixture")
        static class FirstTestCase extends Base {
        }

        @Tag("fixture")
        static class SecondTestCase extends Base {
        }
    }
}
