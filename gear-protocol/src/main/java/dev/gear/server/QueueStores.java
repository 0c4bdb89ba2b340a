package dev.gear.server;

import dev.gear.internal.store.PostgresQueueStore;
import dev.gear.internal.store.SqliteQueueStore;
import java.nio.file.Path;

/**
 * The persistent queue stores a server can use, with gearmand's defaults:
 * <pre>{@code
 * Server.builder().queueStore(QueueStores.sqlite(Path.of("/var/lib/geard/queue.db")))
 * Server.builder().queueStore(QueueStores.postgres("host=db port=5432 dbname=gearman user=geard"))
 * }</pre>
 * The SQLite store needs {@code org.xerial:sqlite-jdbc}, the PostgreSQL store
 * {@code org.postgresql:postgresql} on the class path (optional dependencies of gear-protocol;
 * {@code geard.jar} bundles both). On the module path, add the driver's module with
 * {@code --add-modules} if nothing else requires it.
 */
public final class QueueStores {
    /** gearmand's {@code --libsqlite3-table} default. */
    public static final String SQLITE_DEFAULT_TABLE = SqliteQueueStore.DEFAULT_TABLE;
    /** gearmand's {@code --libpq-table} default. */
    public static final String POSTGRES_DEFAULT_TABLE = PostgresQueueStore.DEFAULT_TABLE;

    private QueueStores() {
    }

    /** An SQLite file, table {@code gearman_queue} (gearmand's {@code -q libsqlite3 --libsqlite3-db FILE}). */
    public static QueueStoreConfig.Sqlite sqlite(Path file) {
        return new QueueStoreConfig.Sqlite(file, SQLITE_DEFAULT_TABLE);
    }

    /** An SQLite file and table (gearmand's {@code --libsqlite3-table}). */
    public static QueueStoreConfig.Sqlite sqlite(Path file, String table) {
        return new QueueStoreConfig.Sqlite(file, table);
    }

    /** A PostgreSQL database, table {@code queue} (gearmand's {@code -q Postgres --libpq-conninfo CONNINFO}). */
    public static QueueStoreConfig.Postgres postgres(String conninfo) {
        return new QueueStoreConfig.Postgres(conninfo, POSTGRES_DEFAULT_TABLE);
    }

    /** A PostgreSQL database and table (gearmand's {@code --libpq-table}). */
    public static QueueStoreConfig.Postgres postgres(String conninfo, String table) {
        return new QueueStoreConfig.Postgres(conninfo, table);
    }
}
