package dev.gear.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.Client;
import dev.gear.GearmanErrorException;
import dev.gear.Job;
import dev.gear.Worker;
import dev.gear.server.Acl;
import dev.gear.server.AclEntry;
import java.io.IOException;
import java.net.Socket;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** The capabilities over TLS with a required client certificate, plus what only TLS has: subjects and the ACL. */
class TlsServerTest extends ServerCapabilitiesContract {
    @Override
    EmbeddedGearmanServer.Builder configure(EmbeddedGearmanServer.Builder builder) {
        return builder.tls();
    }

    /** A TLS socket with CN=raw; the handshake starts on first use, so creating it never blocks. */
    @Override
    Socket rawSocket() throws IOException {
        SSLSocket s = (SSLSocket) server.certificates().clientContext("raw").getSocketFactory()
                .createSocket("127.0.0.1", server.port());
        s.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        return s;
    }

    @Test
    void connectionsCarryTheirCertificateSubject() {
        Client client = client();
        Peer peer = server.takeConnection(T);
        assertThat(peer.subject()).isEqualTo(EmbeddedGearmanServer.DEFAULT_CLIENT_CN);
        assertThat(client.echo()).isNotEmpty();
        assertThat(server.snapshot().connections()).anySatisfy(c -> assertThat(c.subject()).isEqualTo("client"));
    }

    @Test
    void theAclIsEnforcedPerCommonNameAndDenialsAreJournaled() {
        Acl acl = new Acl();
        acl.add(new AclEntry("web", null, "resize.*", false));
        acl.add(new AclEntry("worker-a", "resize.*", null, false));
        server.close();
        server = EmbeddedGearmanServer.builder().tls().acl(acl).build().start();

        Worker worker = server.newWorkerAs("worker-a", "resize");
        closeables.add(worker);
        Client web = server.newClientAs("web");
        closeables.add(web);
        Client intruder = server.newClientAs("intruder");
        closeables.add(intruder);

        // stubs and test-side submissions still work: the kit has its own ACL entry
        server.stub("resize_thumb").willComplete("ok");
        assertThat(web.submitJob(new Job("resize_thumb", "x")).waitForCompletion(T).dataAsString()).isEqualTo("ok");

        assertThatThrownBy(() -> intruder.submitJob(new Job("resize", "x")))
                .isInstanceOf(GearmanErrorException.class).hasMessageContaining("Permission denied");
        JournalEvent.AclDenied denied = server.awaitEvent(JournalEvent.AclDenied.class,
                e -> e.action().equals("invoke"), T);
        assertThat(denied.peer().subject()).isEqualTo("intruder");
        assertThat(denied.target()).isEqualTo("resize");

        try (Worker rogue = server.newWorkerAs("intruder")) {
            rogue.registerFunction("resize");
            server.awaitEvent(JournalEvent.AclDenied.class, e -> e.action().equals("register"), T);
        }
        assertThat(server.snapshot().workers()).filteredOn(c -> c.functions().contains("resize"))
                .extracting(c -> c.subject()).containsExactly("worker-a");
    }

    @Test
    void anAclWithoutTlsIsRefusedWithTheFix() {
        assertThatThrownBy(() -> EmbeddedGearmanServer.builder().acl(new Acl()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("call tls()");
    }
}
