package dev.gear.junit5.internal;

import dev.gear.testkit.EmbeddedGearmanServer;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Where each visible server's journal stood when a test method started, so the journal attached
 * to its failure can mark the events that came after: on a server shared by a whole class, the
 * rest belong to earlier tests. Kept in the test's own store, like everything else.
 */
final class TestStartMarks {
    /** Store key of the marks of one test method's context. */
    private record Key(String uniqueId) {
    }

    /** Per server, the first sequence number the test can have caused. */
    private record Marks(Map<EmbeddedGearmanServer, Long> firstSequence) {
    }

    private TestStartMarks() {
    }

    /** Notes where the journals of {@code servers} stand now; in a test method's context only. */
    static void remember(ExtensionContext context, List<ManagedServer> servers) {
        if (context.getTestMethod().isEmpty()) {
            return;
        }
        Map<EmbeddedGearmanServer, Long> marks = new IdentityHashMap<>();
        for (ManagedServer managed : servers) {
            if (managed.server().isRunning()) {
                marks.put(managed.server(), managed.server().journal().lastSequence() + 1);
            }
        }
        context.getStore(ServerScope.NAMESPACE).put(new Key(context.getUniqueId()), new Marks(marks));
    }

    /**
     * The first event of {@code server} the failing test in {@code context} may have caused; 1
     * (every event) for a server created during the test; empty outside a test method, where
     * there is nothing to tell apart.
     */
    static OptionalLong firstSequence(ExtensionContext context, EmbeddedGearmanServer server) {
        if (context.getTestMethod().isEmpty()) {
            return OptionalLong.empty();
        }
        Marks marks = context.getStore(ServerScope.NAMESPACE).get(new Key(context.getUniqueId()), Marks.class);
        Long first = marks == null ? null : marks.firstSequence().get(server);
        return OptionalLong.of(first == null ? 1 : first);
    }
}
