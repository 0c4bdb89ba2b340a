package dev.gear.geard;

import dev.gear.server.QueueStoreConfig;
import dev.gear.server.QueueStores;
import dev.gear.server.Server;
import java.nio.file.Path;

/**
 * What geard's arguments said, filled in by the {@link Flags#TABLE} rows while they are read. The
 * server's options go straight into {@link #server}, so an option nobody gave keeps the
 * builder's default: geard repeats none of them. The rest are what geard itself acts on.
 */
final class CommandLine {
    final Server.Builder server = Server.builder();
    boolean help;
    boolean version;
    boolean foreground;
    Path logConfig;
    Path pidfile;
    Path sslKey;
    Path sslCert;
    Path sslCa;
    Path acl;
    /** {@code -q}: {@code libsqlite3} or {@code Postgres}, or null. */
    String queueType;
    Path sqliteDb;
    String sqliteTable;
    String pgConninfo;
    String pgTable;
    /** Whether {@code --ssl-handshake-timeout} was given: without TLS it is refused, not ignored. */
    boolean tlsHandshakeTimeoutGiven;

    /**
     * The queue store the {@code -q} options name, or null for none.
     *
     * @throws IllegalArgumentException when the options do not fit together, as a usage error says it
     */
    QueueStoreConfig queueStore() {
        boolean sqliteOptions = sqliteDb != null || sqliteTable != null;
        boolean pgOptions = pgConninfo != null || pgTable != null;
        if (queueType == null) {
            if (sqliteOptions || pgOptions) {
                throw new IllegalArgumentException((sqliteOptions ? "--libsqlite3-db/--libsqlite3-table need -q libsqlite3"
                        : "--libpq-conninfo/--libpq-table need -q Postgres"));
            }
            return null;
        }
        if (queueType.equals("libsqlite3")) {
            if (pgOptions) {
                throw new IllegalArgumentException("--libpq-conninfo/--libpq-table belong to -q Postgres, not -q libsqlite3");
            }
            if (sqliteDb == null) {
                throw new IllegalArgumentException("-q libsqlite3 needs --libsqlite3-db FILE");
            }
            return sqliteTable == null ? QueueStores.sqlite(sqliteDb) : QueueStores.sqlite(sqliteDb, sqliteTable);
        }
        if (sqliteOptions) {
            throw new IllegalArgumentException("--libsqlite3-db/--libsqlite3-table belong to -q libsqlite3, not -q Postgres");
        }
        if (pgConninfo == null) {
            throw new IllegalArgumentException("-q Postgres needs --libpq-conninfo INFO");
        }
        return pgTable == null ? QueueStores.postgres(pgConninfo) : QueueStores.postgres(pgConninfo, pgTable);
    }

    /** How many of {@code --ssl-key}, {@code --ssl-cert} and {@code --ssl-ca} were given (TLS needs all three). */
    int tlsFiles() {
        return (sslKey != null ? 1 : 0) + (sslCert != null ? 1 : 0) + (sslCa != null ? 1 : 0);
    }
}
