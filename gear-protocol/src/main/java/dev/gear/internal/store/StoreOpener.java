package dev.gear.internal.store;

import dev.gear.server.QueueStoreConfig;

/** Opens the store a {@link QueueStoreConfig} names: the one place the server turns configuration into a store. */
public final class StoreOpener {
    private StoreOpener() {
    }

    /**
     * Opens the store (creating its table when absent).
     *
     * @throws QueueStoreException when it cannot be opened
     */
    public static QueueStore open(QueueStoreConfig config) {
        if (config instanceof QueueStoreConfig.Sqlite sqlite) {
            return SqliteQueueStore.open(sqlite.file(), sqlite.table());
        }
        if (config instanceof QueueStoreConfig.Postgres postgres) {
            return PostgresQueueStore.open(postgres.conninfo(), postgres.table());
        }
        throw new IllegalArgumentException("unknown queue store configuration " + config);
    }
}
