package dev.gear.geard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.server.Server;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The flag table drives usage, help and parsing: what one row gives, with nothing else written. */
class FlagsTest {
    @Test
    void aNewFlagIsOneRow() {
        List<Flag> table = new ArrayList<>(Flags.TABLE);
        List<String> seen = new ArrayList<>();
        table.add(Flag.value(List.of("--libsqlite3-db"), "FILE", "the SQLite queue file",
                (line, name, value) -> seen.add(name + "=" + value)));

        assertThat(Flags.usage(table)).contains("[--libsqlite3-db FILE]");
        assertThat(Flags.options(table)).contains("  --libsqlite3-db FILE  the SQLite queue file\n");
        Flags.parse(table, new String[] {"-d", "--libsqlite3-db", "/var/lib/q.db", "--libsqlite3-db=/tmp/o.db"});
        assertThat(seen).containsExactly("--libsqlite3-db=/var/lib/q.db", "--libsqlite3-db=/tmp/o.db");
        assertThatThrownBy(() -> Flags.parse(table, new String[] {"--libsqlite3-db"}))
                .hasMessage("argument --libsqlite3-db: expected one argument");
    }

    @Test
    void everyRowIsInTheUsageLineAndTheHelp() {
        for (Flag f : Flags.TABLE) {
            assertThat(Flags.USAGE.replaceAll("\\s+", " ")).contains(f.usage());
            assertThat(Flags.HELP).contains("  " + f.label());
        }
    }

    @Test
    void theHelpShowsTheServersDefaultsFromItsConstants() {
        String help = Flags.HELP.replaceAll("\\s+", " ");
        assertThat(help)
                .contains("port to listen on (default " + Server.Builder.DEFAULT_PORT + ";")
                .contains("keepalive probe (default " + Server.Builder.DEFAULT_KEEPALIVE_IDLE.toSeconds() + ")")
                .contains("between keepalive probes (default " + Server.Builder.DEFAULT_KEEPALIVE_INTERVAL.toSeconds()
                        + ")")
                .contains("is dropped (default " + Server.Builder.DEFAULT_KEEPALIVE_COUNT + ")")
                .contains("longest unique id accepted (default " + Server.Builder.DEFAULT_MAX_UNIQUE_LENGTH + ",")
                .contains("listen backlog, as gearmand's (default " + Server.Builder.DEFAULT_BACKLOG + ")");
    }

    @Test
    void helpLinesStayWithinTheWidthAndLabelsTooLongGetALineOfTheirOwn() {
        assertThat(Flags.HELP.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
        assertThat(Flags.HELP).contains("  --keepalive-interval N\n                        seconds between");
        assertThat(Flags.HELP).contains("  -p PORT               port to listen on");
    }

    @Test
    void aSwitchGivenAValueIsAnErrorNotQuietlyOn() {
        assertThatThrownBy(() -> Flags.parse(Flags.TABLE, new String[] {"-d", "--keepalive=false"}))
                .hasMessage("argument --keepalive: ignored explicit argument 'false'");
    }

    @Test
    void oneLetterFlagsTakeTheirValueAttached() {
        CommandLine line = Flags.parse(Flags.TABLE, new String[] {"-d", "-p0", "-b7", "--listen-address=127.0.0.1"});
        assertThat(line.foreground).isTrue();
        try (Server server = line.server.build().start()) {
            assertThat(server.port()).isPositive();
        }
        assertThatThrownBy(() -> Flags.parse(Flags.TABLE, new String[] {"-dx"}))
                .hasMessage("unrecognized argument: -dx");
    }
}
