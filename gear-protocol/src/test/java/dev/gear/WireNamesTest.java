package dev.gear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Names that no server accepts are refused where they are written, with the reason. */
class WireNamesTest {
    @Test
    void jobNamesAndUniquesCannotCarryLineBreaksOrNul() {
        assertThatThrownBy(() -> new Job("re\nverse", "x"))
                .isInstanceOf(InvalidDataException.class)
                .hasMessage("function name \"re\\x0averse\" contains a line feed at byte 2;"
                        + " Gearman names and uniques cannot carry NUL, \\n or \\r");
        assertThatThrownBy(() -> new Job("reverse", "x", "u\r1"))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageStartingWith("unique \"u\\x0d1\" contains a carriage return at byte 1");
        assertThatThrownBy(() -> new Job(new byte[] {'f', 0}, new byte[0], null))
                .hasMessageStartingWith("function name \"f\\x00\" contains a NUL byte at byte 1");
    }

    @Test
    void registeredFunctionNamesAreCheckedToo() {
        assertThatThrownBy(() -> new FunctionRecord("a\0b", Duration.ofSeconds(1)))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageStartingWith("function name \"a\\x00b\" contains a NUL byte at byte 1");
        try (Worker worker = new Worker("names")) {
            assertThatThrownBy(() -> worker.registerFunction("two\nlines")).isInstanceOf(InvalidDataException.class);
            assertThat(worker.functions()).isEmpty();
        }
    }

    @Test
    void payloadsMayCarryAnything() {
        Job job = new Job("reverse", new byte[] {0, '\n', '\r'});
        assertThat(job.arguments()).containsExactly(0, '\n', '\r');
    }
}
