package dev.gear.junit5.internal;

import dev.gear.testkit.EmbeddedGearmanServer;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A server the extension started, kept in the {@code ExtensionContext.Store} so that JUnit closes
 * it when its scope ends. Implements the deprecated {@code CloseableResource} as well as
 * {@code AutoCloseable} so that JUnit versions before 5.13, which close only the former, close it
 * too; closing twice is harmless.
 *
 * @param server the server
 * @param site   where it was declared, for messages ({@code static field 'server' of OrderTest})
 */
@SuppressWarnings("deprecation")
public record ManagedServer(EmbeddedGearmanServer server, String site)
        implements AutoCloseable, ExtensionContext.Store.CloseableResource {

    /** Whether the server serves TLS (also for a server the test built itself). */
    public boolean tls() {
        return server.isTls();
    }

    @Override
    public void close() {
        server.close();
    }
}
