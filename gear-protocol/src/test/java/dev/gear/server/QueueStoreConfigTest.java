package dev.gear.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.ConfigurationException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class QueueStoreConfigTest {
    @Test
    void gearmandsDefaults() {
        assertThat(QueueStores.sqlite(Path.of("q.db"))).isEqualTo(new QueueStoreConfig.Sqlite(Path.of("q.db"), "gearman_queue"));
        assertThat(QueueStores.postgres("host=db").table()).isEqualTo("queue");
        assertThat(QueueStores.postgres("host=db dbname=g", "jobs").jdbcUrl()).isEqualTo("jdbc:postgresql://db/g");
    }

    @Test
    void badValuesAreConfigurationErrorsThatSayWhy() {
        assertThatThrownBy(() -> QueueStores.sqlite(null))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("the SQLite queue store needs a database file, got null");
        assertThatThrownBy(() -> QueueStores.sqlite(Path.of("q.db"), "1queue"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("queue table name '1queue' is not a plain SQL identifier (letters, digits and _, not starting"
                        + " with a digit, optionally schema.table)");
        assertThatThrownBy(() -> QueueStores.postgres("host=/tmp"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("libpq conninfo host '/tmp' is a unix-socket directory");
    }

    @Test
    void thePasswordNeverShows() {
        assertThat(QueueStores.postgres("host=db user=u password=hunter2").toString())
                .isEqualTo("Postgres[jdbc:postgresql://db/ {user=u, password=***}, table=queue]")
                .doesNotContain("hunter2");
    }
}
