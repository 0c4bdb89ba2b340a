package dev.gear.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LibpqConninfoTest {
    @Test
    void keywordsBecomeUrlAndProperties() {
        LibpqConninfo info = LibpqConninfo.parse("host=db.example port=6543 dbname=gearman user=geard password=s3cret sslmode=require");
        assertThat(info.url()).isEqualTo("jdbc:postgresql://db.example:6543/gearman");
        assertThat(info.properties()).containsExactly(Map.entry("user", "geard"), Map.entry("password", "s3cret"),
                Map.entry("sslmode", "require"));
    }

    @Test
    void quotedValuesSpacesAroundEqualsAndEscapes() {
        LibpqConninfo info = LibpqConninfo.parse("  host = 127.0.0.1   dbname='my db' password='it\\'s \\\\ ok' application_name=geard ");
        assertThat(info.url()).isEqualTo("jdbc:postgresql://127.0.0.1/my%20db");
        assertThat(info.properties()).containsEntry("password", "it's \\ ok").containsEntry("ApplicationName", "geard");
    }

    @Test
    void defaultsAndDriverNames() {
        assertThat(LibpqConninfo.parse("").url()).isEqualTo("jdbc:postgresql://localhost/");
        assertThat(LibpqConninfo.parse("connect_timeout=3 keepalives=0 target_session_attrs=read-write").properties())
                .containsExactly(Map.entry("connectTimeout", "3"), Map.entry("tcpKeepAlive", "false"),
                        Map.entry("targetServerType", "primary"));
    }

    @Test
    void hostaddrWinsAndMultipleHostsMakeAMultiHostUrl() {
        assertThat(LibpqConninfo.parse("host=db hostaddr=10.0.0.5 port=5433").url()).isEqualTo("jdbc:postgresql://10.0.0.5:5433/");
        assertThat(LibpqConninfo.parse("host=a,b,::1 port=1,2,3 dbname=q").url()).isEqualTo("jdbc:postgresql://a:1,b:2,[::1]:3/q");
        assertThat(LibpqConninfo.parse("host=a,b port=7").url()).isEqualTo("jdbc:postgresql://a:7,b:7/");
    }

    @Test
    void uriFormIsPassedToTheDriver() {
        assertThat(LibpqConninfo.parse("postgresql://geard@db:5432/gearman?sslmode=require").url())
                .isEqualTo("jdbc:postgresql://geard@db:5432/gearman?sslmode=require");
    }

    @Test
    void passwordsAreMaskedInToString() {
        assertThat(LibpqConninfo.parse("host=db user=u password=s3cret").toString())
                .isEqualTo("jdbc:postgresql://db/ {user=u, password=***}");
        assertThat(LibpqConninfo.parse("postgresql://geard:s3cret@db/gearman").toString())
                .isEqualTo("jdbc:postgresql://geard:***@db/gearman {}");
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> LibpqConninfo.parse("host=db dbname"))
                .hasMessage("libpq conninfo: missing \"=\" after \"dbname\"");
        assertThatThrownBy(() -> LibpqConninfo.parse("password='open"))
                .hasMessage("libpq conninfo: unterminated quoted value of \"password\"");
        assertThatThrownBy(() -> LibpqConninfo.parse("host=/var/run/postgresql"))
                .hasMessage("libpq conninfo host '/var/run/postgresql' is a unix-socket directory; the PostgreSQL JDBC"
                        + " driver connects over TCP only: give host=127.0.0.1 (or a name) and port");
        assertThatThrownBy(() -> LibpqConninfo.parse("port=54x2")).hasMessage("libpq conninfo port '54x2' is not a number");
        assertThatThrownBy(() -> LibpqConninfo.parse("host=a,b,c port=1,2"))
                .hasMessage("libpq conninfo has 3 host(s) but 2 ports; give one port, or one per host");
        assertThatThrownBy(() -> LibpqConninfo.parse("service=prod"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("libpq conninfo keyword 'service' has no PostgreSQL JDBC driver equivalent; supported:"
                        + " host, hostaddr, port, dbname, application_name, connect_timeout, gssencmode, keepalives, options,");
    }
}
