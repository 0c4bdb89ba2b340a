package dev.gear.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.Worker;
import dev.gear.server.Acl;
import dev.gear.server.AclEntry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Under an ACL a denied registration is ignored by the server (gear's rule): the kit's waits say
 * so instead of only timing out, and {@code newWorker} fails at once.
 */
class AclDenialsInWaitsTest {
    private EmbeddedGearmanServer server;

    @BeforeEach
    void start() {
        Acl acl = new Acl();
        acl.add(new AclEntry("renderer", "render$", "", false));
        acl.add(new AclEntry("worker", "email$", "", false));
        server = EmbeddedGearmanServer.builder().tls().acl(acl).build().start();
    }

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void newWorkerWithACnWhereFunctionsBelongFailsAtOnceNamingTheDenial() {
        assertThatThrownBy(() -> server.newWorker("renderer"))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("newWorker(\"renderer\") failed: the server's ACL denied CN=worker registering"
                        + " 'renderer' (journal #")
                .hasMessageContaining("newWorker(functions...) takes function names and presents CN=worker; to connect"
                        + " as another CN, call newWorkerAs(commonName, functions...).")
                .hasMessageContaining("ACL denials in the journal (1):\n  #")
                .hasMessageContaining(" register 'renderer' denied to CN=worker [conn#");
    }

    @Test
    void newWorkerAsPresentsTheCommonName() {
        try (Worker worker = server.newWorkerAs("renderer", "render")) {
            assertThat(server.journal().events(JournalEvent.CanDo.class)).singleElement()
                    .satisfies(e -> assertThat(e.worker().subject()).isEqualTo("renderer"));
        }
        assertThatThrownBy(() -> server.newWorkerAs("renderer", "email"))
                .hasMessageStartingWith("newWorkerAs(\"renderer\", \"email\") failed: the server's ACL denied"
                        + " CN=renderer registering 'email'")
                .hasMessageContaining("Let CN=renderer register it in the ACL, or present a permitted CN.");
    }

    @Test
    void everyWaitsFailureListsTheDenialsItSaw() {
        try (Worker worker = Worker.builder().build()) {
            worker.addServer("127.0.0.1", server.port(), server.certificates().clientContext("worker"));
            worker.waitForServer(Duration.ofSeconds(10));
            worker.registerFunction("render");
            server.awaitEvent(JournalEvent.AclDenied.class, d -> d.target().equals("render"), Duration.ofSeconds(10));

            String denial = "ACL denials in the journal (1):\n  #";
            assertThatThrownBy(() -> server.awaitWorkers("render", 1, Duration.ofMillis(50)))
                    .hasMessageStartingWith("Timed out after 50 ms waiting for 1 worker(s) registered for 'render'.")
                    .hasMessageContaining(denial);
            assertThatThrownBy(() -> server.awaitJob(JobCriteria.function("render"), Duration.ofMillis(50)))
                    .hasMessageContaining(denial);
            assertThatThrownBy(() -> server.takeJob("render", Duration.ofMillis(50))).hasMessageContaining(denial);
            assertThatThrownBy(() -> server.awaitEvent(JournalEvent.JobCompleted.class, e -> true, Duration.ofMillis(50)))
                    .hasMessageContaining(denial);
            assertThatThrownBy(() -> server.takeConnection(Duration.ofMillis(50)).toString()
                    .concat(server.takeConnection(Duration.ofMillis(50)).toString()))
                    .hasMessageContaining(denial);
            server.submit("render", "page".getBytes(java.nio.charset.StandardCharsets.UTF_8), "", dev.gear.Precedence.NORMAL, true);
            assertThatThrownBy(() -> server.awaitIdle(Duration.ofMillis(50))).hasMessageContaining(denial);
        }
    }
}
