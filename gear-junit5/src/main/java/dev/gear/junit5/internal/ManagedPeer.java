package dev.gear.junit5.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@code Client} or {@code Worker} the extension injected, closed by JUnit with the context it
 * was resolved in (before the server it talks to, which lives in the same or an outer context
 * and was stored earlier). Closes its peer once, however often JUnit asks.
 */
@SuppressWarnings("deprecation")
final class ManagedPeer implements AutoCloseable, ExtensionContext.Store.CloseableResource {
    private final AutoCloseable peer;
    private final AtomicBoolean closed = new AtomicBoolean();

    ManagedPeer(AutoCloseable peer) {
        this.peer = peer;
    }

    @Override
    public void close() throws Exception {
        if (closed.compareAndSet(false, true)) {
            peer.close();
        }
    }
}
