package dev.gear.geard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlagValuesTest {
    private static final long INT_MAX = Integer.MAX_VALUE;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0|0", "65536|65536", "10B|10", "10b|10", "64K|65536", "64k|65536", "64KiB|65536", "64kib|65536",
        "1M|1048576", "1m|1048576", "1MiB|1048576", "2G|2147483648", "2GiB|2147483648", "' 8K '|8192",
        "'64 M'|67108864", "0K|0", "-0|0", "007|7", "9223372036854775807|9223372036854775807"})
    void sizesAreBytesOrBinaryUnits(String value, long bytes) {
        assertThat(FlagValues.size("--s", value, 0, Long.MAX_VALUE)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "big|argument --max-packet-size: expected a size in bytes such as 65536, 64K or 64M, got 'big'",
        "''|argument --max-packet-size: expected a size in bytes such as 65536, 64K or 64M, got ''",
        "1.5M|argument --max-packet-size: expected a size in bytes such as 65536, 64K or 64M, got '1.5M'",
        "M|argument --max-packet-size: expected a size in bytes such as 65536, 64K or 64M, got 'M'",
        "+5|argument --max-packet-size: expected a size in bytes such as 65536, 64K or 64M, got '+5'",
        "64MB|argument --max-packet-size: unknown unit 'MB' in '64MB'; sizes take K, M or G (or KiB, MiB, GiB;"
                + " 1K = 1024 bytes), or B or none for bytes",
        "1T|argument --max-packet-size: unknown unit 'T' in '1T'; sizes take K, M or G (or KiB, MiB, GiB;"
                + " 1K = 1024 bytes), or B or none for bytes",
        "-1|argument --max-packet-size: must not be negative, got '-1'",
        "-64M|argument --max-packet-size: must not be negative, got '-64M'",
        "2G|argument --max-packet-size: expected a size from 0 to 2147483631 bytes, got '2G' (2147483648 bytes)",
        "2147483632|argument --max-packet-size: expected a size from 0 to 2147483631 bytes, got '2147483632'",
        "99999999999G|argument --max-packet-size: '99999999999G' is too large to count (more than 2^63-1 bytes)",
        "99999999999999999999|argument --max-packet-size: '99999999999999999999' is too large to count"
                + " (more than 2^63-1 bytes)"})
    void badSizesSayWhatIsWrong(String value, String message) {
        assertThatThrownBy(() -> FlagValues.size("--max-packet-size", value, 0, INT_MAX - 16))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void aSizeBelowAMinimumWithoutMaximumNamesTheMinimum() {
        assertThatThrownBy(() -> FlagValues.size("--max-queued-output", "512", 1024, Long.MAX_VALUE))
                .hasMessage("argument --max-queued-output: expected a size of at least 1024 bytes (1K), got '512'");
        assertThatThrownBy(() -> FlagValues.size("--max-admin-line-length", "0K", 16, INT_MAX))
                .hasMessage("argument --max-admin-line-length: expected a size from 16 to 2147483647 bytes, got '0K'"
                        + " (0 bytes)");
        assertThat(FlagValues.size("--max-queued-output", "1K", 1024, Long.MAX_VALUE)).isEqualTo(1024);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "500ms|PT0.5S", "30s|PT30S", "30|PT30S", "5m|PT5M", "1h|PT1H", "0|PT0S", "0ms|PT0S", "' 2s '|PT2S",
        "'250 ms'|PT0.25S", "9223372036854775807|PT2562047788015215H30M7S"})
    void durationsTakeAUnitAndSecondsWithoutOne(String value, Duration expected) {
        assertThat(FlagValues.duration("--d", value, true)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "soon|argument --incomplete-frame-timeout: expected a duration such as 500ms, 30s, 5m or 1h (seconds when no"
                + " unit is given), got 'soon'",
        "1.5s|argument --incomplete-frame-timeout: expected a duration such as 500ms, 30s, 5m or 1h (seconds when no"
                + " unit is given), got '1.5s'",
        "PT5S|argument --incomplete-frame-timeout: expected a duration such as 500ms, 30s, 5m or 1h (seconds when no"
                + " unit is given), got 'PT5S'",
        "5x|argument --incomplete-frame-timeout: unknown unit 'x' in '5x'; durations take ms, s, m or h (seconds when"
                + " there is none)",
        "5sec|argument --incomplete-frame-timeout: unknown unit 'sec' in '5sec'; durations take ms, s, m or h (seconds"
                + " when there is none)",
        "1d|argument --incomplete-frame-timeout: unknown unit 'd' in '1d'; durations take ms, s, m or h (seconds when"
                + " there is none)",
        "-1|argument --incomplete-frame-timeout: must not be negative, got '-1'",
        "-500ms|argument --incomplete-frame-timeout: must not be negative, got '-500ms'",
        "9223372036854775807h|argument --incomplete-frame-timeout: '9223372036854775807h' is too long to count (more"
                + " than 2^63-1 seconds)"})
    void badDurationsSayWhatIsWrong(String value, String message) {
        assertThatThrownBy(() -> FlagValues.duration("--incomplete-frame-timeout", value, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void zeroIsRefusedWhereADurationMustBePositive() {
        assertThatThrownBy(() -> FlagValues.duration("--ssl-handshake-timeout", "0ms", false))
                .hasMessage("argument --ssl-handshake-timeout: must be positive, got '0ms'");
        assertThat(FlagValues.duration("--ssl-handshake-timeout", "1ms", false)).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void integersKeepGeardsMessage() {
        assertThat(FlagValues.integer("--max-connections", " 2 ", 0, INT_MAX)).isEqualTo(2);
        assertThatThrownBy(() -> FlagValues.integer("--max-connections", "-1", 0, INT_MAX))
                .hasMessage("argument --max-connections: expected an integer from 0 to 2147483647, got '-1'");
        assertThatThrownBy(() -> FlagValues.integer("--max-connections", "lots", 0, INT_MAX))
                .hasMessage("argument --max-connections: expected an integer from 0 to 2147483647, got 'lots'");
        assertThatThrownBy(() -> FlagValues.integer("--max-connections", "2147483648", 0, INT_MAX))
                .hasMessage("argument --max-connections: expected an integer from 0 to 2147483647, got '2147483648'");
    }

    @Test
    void helpShowsSizesInTheLargestUnitThatDividesThem() {
        assertThat(FlagValues.formatSize(64L << 20)).isEqualTo("64M");
        assertThat(FlagValues.formatSize(8192)).isEqualTo("8K");
        assertThat(FlagValues.formatSize(256L << 20)).isEqualTo("256M");
        assertThat(FlagValues.formatSize(3L << 30)).isEqualTo("3G");
        assertThat(FlagValues.formatSize(1000)).isEqualTo("1000");
        assertThat(FlagValues.formatSize(0)).isEqualTo("0");
    }
}
