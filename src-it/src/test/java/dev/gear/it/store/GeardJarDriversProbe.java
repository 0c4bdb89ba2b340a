package dev.gear.it.store;

import dev.gear.internal.store.PostgresQueueStore;
import dev.gear.internal.store.QueueStoreException;
import dev.gear.internal.store.SqliteQueueStore;
import java.nio.file.Path;

/**
 * Run in a child JVM whose class path is {@code geard.jar} (plus this class): opens an SQLite store
 * and tries a PostgreSQL store, printing what happened, so {@link GeardJarDriversIT} can tell
 * whether the jar's merged service files still let both drivers load.
 */
public final class GeardJarDriversProbe {
    private GeardJarDriversProbe() {
    }

    public static void main(String[] args) {
        try (SqliteQueueStore store = SqliteQueueStore.open(Path.of(args[0]), "gearman_queue")) {
            System.out.println("sqlite ok " + store.loadAll().size());
        }
        try {
            PostgresQueueStore.open("host=127.0.0.1 port=1 dbname=none user=none connect_timeout=5", "queue").close();
            System.out.println("postgres connected?!");
        } catch (QueueStoreException e) {
            System.out.println("postgres " + (e.getMessage().contains("is not on the class path") ? "driver missing" : "driver ok")
                    + ": " + e.getMessage());
        }
    }
}
