package dev.gear.internal.server;

import dev.gear.ConfigurationException;
import dev.gear.internal.store.GroupCommitWriter;
import dev.gear.internal.store.QueueStore;
import dev.gear.internal.store.StoreOpener;
import dev.gear.internal.store.StoredJob;
import dev.gear.server.QueueStoreConfig;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's start with a queue store: open it, read every stored job, and queue them again on the
 * loop before any connection is accepted; from then on the core stores background jobs through a
 * {@link GroupCommitWriter}. Runs in the thread that starts the server, so errors surface there.
 */
public final class QueueRecovery {
    private static final Logger LOG = LoggerFactory.getLogger("dev.gear.server.Server");

    private QueueRecovery() {
    }

    /**
     * @throws ConfigurationException when the store cannot be opened or read, with its reason
     */
    public static void restore(ServerCore core, QueueStoreConfig config, String writerThreadName) {
        long started = System.nanoTime();
        QueueStore store;
        List<StoredJob> rows;
        try {
            store = StoreOpener.open(config);
            try {
                rows = store.loadAll();
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
        } catch (RuntimeException e) {
            throw new ConfigurationException("cannot use the queue store " + config + ": " + e.getMessage(), e);
        }
        GroupCommitWriter writer = new GroupCommitWriter(store, writerThreadName);
        core.loop().submit(() -> {
            core.restore(writer, rows);
            return null;
        }).join();
        LOG.info("queue store {}: {} background job(s) loaded in {} ms", store.description(), rows.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
}
