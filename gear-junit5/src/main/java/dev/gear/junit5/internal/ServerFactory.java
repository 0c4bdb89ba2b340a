package dev.gear.junit5.internal;

import dev.gear.junit5.GearmanServer;
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
        if (annotation.tls() || annotation.acl().length > 0) {
            // The test kit in this build has no TLS/ACL options yet; say so rather than serve plain text.
            throw new ExtensionConfigurationException("@GearmanServer on " + site
                    + " asks for TLS or an ACL, which this gear-testkit does not support yet");
        }
        if (annotation.journalCapacity() < 1) {
            throw new ExtensionConfigurationException("@GearmanServer on " + site + " has journalCapacity = "
                    + annotation.journalCapacity() + ": it must be at least 1");
        }
        return EmbeddedGearmanServer.builder()
                .name(name)
                .journalCapacity(annotation.journalCapacity())
                .unmatchedPolicy(annotation.unmatched())
                .workerLossPolicy(workerLossPolicy(annotation, site))
                .build();
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
