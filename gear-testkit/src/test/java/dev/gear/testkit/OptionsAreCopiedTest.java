package dev.gear.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.server.Acl;
import dev.gear.server.AclEntry;
import org.junit.jupiter.api.Test;

/** A built server keeps the options it was built with, whatever the test does to the builder or its Acl later. */
class OptionsAreCopiedTest {

    @Test
    void changingTheBuilderAfterBuildChangesNothing() {
        EmbeddedGearmanServer.Builder builder = EmbeddedGearmanServer.builder().name("first").journalCapacity(5);
        EmbeddedGearmanServer server = builder.build();
        builder.name("second").journalCapacity(7).timeoutMultiplier(4);

        try (EmbeddedGearmanServer s = server.start()) {
            assertThat(s.toString()).startsWith("EmbeddedGearmanServer[first ");
            assertThat(s.journal().capacity()).isEqualTo(5);
            assertThat(s.timeoutMultiplier()).isEqualTo(1.0);
        }
        try (EmbeddedGearmanServer other = builder.build().start()) {
            assertThat(other.toString()).startsWith("EmbeddedGearmanServer[second ");
            assertThat(other.journal().capacity()).isEqualTo(7);
        }
    }

    @Test
    void theCallersAclIsCopiedNeverChanged() {
        Acl acl = new Acl();
        acl.add(new AclEntry("web", "", "resize$", false));
        EmbeddedGearmanServer.Builder builder = EmbeddedGearmanServer.builder().tls().acl(acl);

        try (EmbeddedGearmanServer server = builder.build().start()) {
            acl.add(new AclEntry("intruder", ".*", ".*", true));
            acl.remove("web");

            assertThat(acl.getEntry(EmbeddedGearmanServer.KIT_COMMON_NAME)).as("the kit's entry is the server's, not the caller's")
                    .isEmpty();
            Acl served = server.server().acl().orElseThrow();
            assertThat(served).isNotSameAs(acl);
            assertThat(served.getEntry("web")).isPresent();
            assertThat(served.getEntry("intruder")).isEmpty();
            assertThat(served.getEntry(EmbeddedGearmanServer.KIT_COMMON_NAME)).isPresent();

            server.restart();
            assertThat(server.server().acl().orElseThrow().getEntry("intruder")).as("after restart too").isEmpty();
        }
    }
}
