package dev.gear.junit5.internal;

import dev.gear.junit5.GearmanServer;
import dev.gear.server.Acl;
import dev.gear.server.AclEntry;
import dev.gear.server.AclException;
import dev.gear.server.WorkerLossPolicy;
import dev.gear.testkit.EmbeddedGearmanServer;
import dev.gear.testkit.UnmatchedPolicy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Turns a {@link GearmanServer} annotation into a configured, not yet started server. */
final class ServerFactory {
    private ServerFactory() {
    }

    static EmbeddedGearmanServer build(GearmanServer annotation, String site, String name) {
        if (annotation.journalCapacity() < 1) {
            throw new ExtensionConfigurationException(Messages.journalCapacity(site, annotation.journalCapacity()));
        }
        EmbeddedGearmanServer.Builder builder = EmbeddedGearmanServer.builder()
                .name(name)
                .journalCapacity(annotation.journalCapacity())
                .unmatchedPolicy(annotation.unmatched())
                .workerLossPolicy(workerLossPolicy(annotation, site));
        if (annotation.tls()) {
            builder.tls();
        }
        if (annotation.acl().length > 0) {
            if (!annotation.tls()) {
                // Checked here as well as by the kit's build(), to name the field and the attribute.
                throw new ExtensionConfigurationException(Messages.aclWithoutTls(site));
            }
            builder.acl(acl(annotation.acl(), site));
        }
        return builder.build();
    }

    /** A fresh, mutable {@link Acl} per server (the admin protocol may change it at run time). */
    private static Acl acl(GearmanServer.Acl[] entries, String site) {
        Acl acl = new Acl();
        for (GearmanServer.Acl e : entries) {
            try {
                acl.add(new AclEntry(e.subject(), e.register(), e.invoke(), e.grant()));
            } catch (AclException invalid) {
                throw new ExtensionConfigurationException(Messages.invalidAcl(site, invalid.getMessage()), invalid);
            }
        }
        return acl;
    }

    private static WorkerLossPolicy workerLossPolicy(GearmanServer annotation, String site) {
        WorkerLossPolicy base = switch (annotation.workerLoss()) {
            case FAIL_FOREGROUND -> WorkerLossPolicy.DEFAULT;
            case REQUEUE_ALL -> WorkerLossPolicy.requeueAll();
        };
        return annotation.maxRetries() < 0 ? base : base.withMaxRetries(annotation.maxRetries());
    }

    /** The attributes that differ from their defaults, by name, in declaration order. */
    static List<String> nonDefaultAttributes(GearmanServer a) {
        List<String> out = new ArrayList<>();
        if (a.tls()) {
            out.add("tls");
        }
        if (a.acl().length > 0) {
            out.add("acl");
        }
        if (a.workerLoss() != GearmanServer.WorkerLoss.FAIL_FOREGROUND) {
            out.add("workerLoss");
        }
        if (a.maxRetries() != -1) {
            out.add("maxRetries");
        }
        if (a.unmatched() != UnmatchedPolicy.QUEUE) {
            out.add("unmatched");
        }
        if (a.journalCapacity() != 10_000) {
            out.add("journalCapacity");
        }
        return out;
    }
}
