package dev.gear.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AclFileTest {
    @TempDir
    Path dir;

    @Test
    void readsGearsDocumentedExample() throws Exception {
        Path file = Files.writeString(dir.resolve("acl.ini"), "[my_worker]\nregister=.*\n\n[my_client]\ninvoke=.*\n\n"
                + "[my_node_manager]\ngrant=True\n");
        Acl acl = AclFile.read(file);
        assertThat(acl.getEntries()).containsExactly(
                new AclEntry("my_client", null, ".*", false),
                new AclEntry("my_node_manager", null, null, true),
                new AclEntry("my_worker", ".*", null, false));
    }

    @Test
    void configParserDetails() {
        Acl acl = AclFile.parse("# comment\n; another\n[DEFAULT]\ninvoke = common.*\n\n[a]\nRegister: x.*\n"
                + "grant = on\n[b]\ninvoke=own\ngrant=0\n[c]\n", "test");
        assertThat(acl.getEntries()).containsExactly(
                new AclEntry("a", "x.*", "common.*", true),
                new AclEntry("b", null, "own", false),
                new AclEntry("c", null, "common.*", false));
        for (String yes : new String[] {"1", "yes", "TRUE", "On"}) {
            assertThat(AclFile.parse("[m]\ngrant=" + yes + "\n", "t").canGrant("m")).as(yes).isTrue();
        }
    }

    @Test
    void missingFileIsAnErrorNotDenyAll() {
        Path missing = dir.resolve("nope.ini");
        assertThatThrownBy(() -> AclFile.read(missing)).isInstanceOf(AclException.class)
                .hasMessageStartingWith("cannot read the ACL file " + missing + ": java.nio.file.NoSuchFileException");
    }

    @Test
    void mistakesNameTheLine() {
        assertThatThrownBy(() -> AclFile.parse("[a]\ngrant=maybe\n", "f.ini"))
                .hasMessage("f.ini:2: grant must be a boolean (1/yes/true/on or 0/no/false/off), got 'maybe'");
        assertThatThrownBy(() -> AclFile.parse("[a]\ninvoek=.*\n", "f.ini"))
                .hasMessage("f.ini:2: unknown key 'invoek' in [a] (expected register, invoke or grant)");
        assertThatThrownBy(() -> AclFile.parse("invoke=.*\n", "f.ini"))
                .hasMessage("f.ini:1: key outside any [subject] section: invoke=.*");
        assertThatThrownBy(() -> AclFile.parse("[a]\n[a]\n", "f.ini")).hasMessage("f.ini:2: duplicate section [a]");
        assertThatThrownBy(() -> AclFile.parse("[a]\ninvoke=x\ninvoke=y\n", "f.ini"))
                .hasMessage("f.ini:3: duplicate key 'invoke' in [a]");
        assertThatThrownBy(() -> AclFile.parse("[a]\ninvoke=x\n  y\n", "f.ini"))
                .hasMessageContaining("f.ini:3: indented line");
        assertThatThrownBy(() -> AclFile.parse("[a]\nregister=foo(\n", "f.ini"))
                .isInstanceOf(AclException.class)
                .hasMessageStartingWith("f.ini: [a]: invalid register regex 'foo(' for subject a");
    }
}
