package dev.gear.geard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gear.server.Server;
import dev.gear.server.ServerDefaults;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The flag table drives usage, help and parsing: what one row gives, with nothing else written. */
class FlagsTest {
    @Test
    void aNewFlagIsOneRow() {
        List<Flag> table = new ArrayList<>(Flags.TABLE);
        List<String> seen = new ArrayList<>();
        table.add(Flag.value(List.of("--example-store"), "FILE", "an example store file",
                (line, name, value) -> seen.add(name + "=" + value)));

        assertThat(Flags.usage(table)).contains("[--example-store FILE]");
        assertThat(Flags.options(table)).contains("  --example-store FILE  an example store file\n");
        Flags.parse(table, new String[] {"-d", "--example-store", "/var/lib/q.db", "--example-store=/tmp/o.db"});
        assertThat(seen).containsExactly("--example-store=/var/lib/q.db", "--example-store=/tmp/o.db");
        assertThatThrownBy(() -> Flags.parse(table, new String[] {"--example-store"}))
                .hasMessage("argument --example-store: expected one argument");
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
                .contains("port to listen on (default " + ServerDefaults.PORT + ";")
                .contains("keepalive probe (default " + ServerDefaults.KEEPALIVE_IDLE.toSeconds() + ")")
                .contains("between keepalive probes (default " + ServerDefaults.KEEPALIVE_INTERVAL.toSeconds()
                        + ")")
                .contains("is dropped (default " + ServerDefaults.KEEPALIVE_COUNT + ")")
                .contains("longest unique id accepted (default " + ServerDefaults.MAX_UNIQUE_LENGTH + ",")
                .contains("listen backlog, as gearmand's (default " + ServerDefaults.BACKLOG + ")");
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
