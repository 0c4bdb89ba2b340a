package dev.gear.server;

import dev.gear.ConfigurationException;
import dev.gear.internal.store.Jdbc;
import dev.gear.internal.store.LibpqConninfo;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a server keeps its background jobs across restarts: an immutable value made by
 * {@link QueueStores}, for the server builder's {@code queueStore(...)}.
 *
 * <p>Both kinds use gearmand's table layouts, so gearmand and geard can take over each other's
 * queue (see docs/persistence.md). A background job's JOB_CREATED is sent only once its row is
 * durable; foreground jobs are never stored.
 */
public sealed interface QueueStoreConfig {
    /** The table the jobs live in. */
    String table();

    /**
     * An SQLite file in gearmand's {@code -q libsqlite3} layout.
     *
     * @param file  the database file ({@code --libsqlite3-db}); created when absent
     * @param table the table ({@code --libsqlite3-table}, default {@code gearman_queue})
     */
    record Sqlite(Path file, String table) implements QueueStoreConfig {
        /** @throws ConfigurationException when the file is null or the table is not a plain SQL identifier */
        public Sqlite {
            if (file == null) {
                throw new ConfigurationException("the SQLite queue store needs a database file, got null");
            }
            table = checkTable(table);
        }
    }

    /**
     * A PostgreSQL table in gearmand's {@code -q Postgres} layout.
     *
     * @param conninfo a libpq connection string ({@code --libpq-conninfo}), e.g.
     *                 {@code host=db.example port=5432 dbname=gearman user=geard}; converted to the
     *                 JDBC driver's URL and properties (a unix-socket host is refused: the driver
     *                 speaks TCP only)
     * @param table    the table ({@code --libpq-table}, default {@code queue})
     */
    record Postgres(String conninfo, String table) implements QueueStoreConfig {
        /** @throws ConfigurationException when the conninfo cannot be converted or the table is not a plain SQL identifier */
        public Postgres {
            Objects.requireNonNull(conninfo, "conninfo");
            try {
                LibpqConninfo.parse(conninfo);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(e.getMessage(), e);
            }
            table = checkTable(table);
        }

        /** The JDBC URL this conninfo connects to. */
        public String jdbcUrl() {
            return LibpqConninfo.parse(conninfo).url();
        }

        /** Never shows the password. */
        @Override
        public String toString() {
            return "Postgres[" + LibpqConninfo.parse(conninfo) + ", table=" + table + "]";
        }
    }

    private static String checkTable(String table) {
        try {
            return Jdbc.checkTable(table);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }
}
