package dev.gear.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The gearman command-line tools against the TLS test server, through the plain-to-TLS bridge as CN=cli. */
class GearmanCliOverTlsInteropTest extends GearmanCliInteropContract {
    @Override
    EmbeddedGearmanServer.Builder configure(EmbeddedGearmanServer.Builder builder) {
        return builder.tls();
    }

    @Override
    InetSocketAddress endpoint() {
        return server.plainBridge("cli");
    }

    @Test
    void theToolsAppearAsTlsPeersWithTheirSubject() throws Exception {
        theCliWorkerAnswersATestSideSubmission();
        assertThat(server.journal().events(JournalEvent.CanDo.class))
                .anySatisfy(e -> assertThat(e.worker().subject()).isEqualTo("cli"));
    }
}
