package dev.gear.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Precedence;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The job table and unique index: lookups, handle format, growth and removal. */
class JobIndexTest {
    private static final byte[] PREFIX = bytes("H:127.0.0.1:");
    private final FunctionEntry function = new FunctionEntry("f");

    private ServerJob job(byte[] prefix, long number, String unique, String data) {
        return new ServerJob(prefix, number, function, bytes(unique), bytes(data), Precedence.NORMAL, true, null,
                null, null);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void handleIsPrefixPlusDecimalNumber() {
        for (long n : new long[] {1, 9, 10, 99, 100, 12345, 999_999_999_999L, Long.MAX_VALUE / 10}) {
            ServerJob j = job(PREFIX, n, "", "");
            assertThat(j.handle()).isEqualTo("H:127.0.0.1:" + n);
            assertThat(j.handleBytes()).isEqualTo(bytes("H:127.0.0.1:" + n));
            assertThat(j.handleLength()).isEqualTo(("H:127.0.0.1:" + n).length());
        }
    }

    @Test
    void findsByHandleBytesOnlyWithTheRightPrefixAndExactDigits() {
        JobTable table = new JobTable();
        ServerJob seven = job(PREFIX, 7, "", "");
        ServerJob other = job(bytes("H:::1:"), 8, "", ""); // an IPv6 prefix contains colons
        table.add(seven);
        table.add(other);
        assertThat(table.find(bytes("H:127.0.0.1:7"))).isSameAs(seven);
        assertThat(table.find(bytes("H:::1:8"))).isSameAs(other);
        byte[] inBody = bytes("xxH:127.0.0.1:7\0data");
        assertThat(table.find(inBody, 2, 15)).isSameAs(seven);
        assertThat(table.find(bytes("H:127.0.0.2:7"))).isNull();
        assertThat(table.find(bytes("H:::1:7"))).isNull();
        assertThat(table.find(bytes("H:127.0.0.1:07"))).isNull();
        assertThat(table.find(bytes("H:127.0.0.1:7x"))).isNull();
        assertThat(table.find(bytes("H:127.0.0.1:"))).isNull();
        assertThat(table.find(bytes("7"))).isNull();
        assertThat(table.find(bytes(""))).isNull();
        assertThat(table.find(bytes("H:127.0.0.1:99999999999999999999999"))).isNull();
        assertThat(table.find(bytes("127.0.0.1:7"))).isNull();
    }

    @Test
    void randomAddsAndRemovesMatchAHashMapThenShrink() {
        JobTable table = new JobTable();
        Map<Long, ServerJob> reference = new HashMap<>();
        Random random = new Random(42);
        long next = 1;
        for (int step = 0; step < 100_000; step++) {
            if (reference.isEmpty() || random.nextInt(100) < 55) {
                ServerJob j = job(PREFIX, next++, "", "");
                table.add(j);
                reference.put(j.number, j);
            } else {
                long n = 1 + random.nextInt((int) next - 1);
                ServerJob j = reference.remove(n);
                if (j != null) {
                    assertThat(table.remove(j)).isTrue();
                    assertThat(table.remove(j)).isFalse();
                }
            }
        }
        assertThat(table.size()).isEqualTo(reference.size());
        for (long n = 1; n < next; n++) {
            assertThat(table.find(bytes("H:127.0.0.1:" + n))).isSameAs(reference.get(n));
        }
        int grown = table.capacity();
        assertThat(grown).isGreaterThanOrEqualTo(reference.size() * 4 / 3);
        for (ServerJob j : new ArrayList<>(reference.values())) {
            table.remove(j);
        }
        assertThat(table.size()).isZero();
        assertThat(table.capacity()).isLessThan(grown).isEqualTo(16);
    }

    @Test
    void aDenseWindowOfNumbersDoesNotFormOneLongRun() {
        // Jobs are numbered in sequence, so the live ones are a dense window; were they laid out in
        // consecutive slots, each removal's backward shift would scan the whole window.
        JobTable table = new JobTable();
        List<ServerJob> jobs = new ArrayList<>();
        for (int n = 1; n <= 100_000; n++) {
            ServerJob j = job(PREFIX, 1_000_000 + n, "", "");
            jobs.add(j);
            table.add(j);
        }
        assertThat(table.longestRun()).isLessThan(1000);
        for (int n = 0; n < 50_000; n++) {
            table.remove(jobs.get(n)); // FIFO, as a drain does
        }
        assertThat(table.longestRun()).isLessThan(1000);
        assertThat(table.find(bytes("H:127.0.0.1:" + (1_000_000 + 50_001)))).isSameAs(jobs.get(50_000));
    }

    @Test
    void oldestFirstIsCreationOrder() {
        JobTable table = new JobTable();
        List<ServerJob> jobs = new ArrayList<>();
        for (int n = 1; n <= 1000; n++) {
            ServerJob j = job(PREFIX, n, "", "");
            jobs.add(j);
            table.add(j);
        }
        for (int n = 0; n < 1000; n += 3) {
            table.remove(jobs.get(n));
        }
        List<ServerJob> expected = new ArrayList<>();
        for (int n = 0; n < 1000; n++) {
            if (n % 3 != 0) {
                expected.add(jobs.get(n));
            }
        }
        assertThat(table.oldestFirst()).containsExactlyElementsOf(expected);
    }

    @Test
    void uniqueIndexKeepsCollidingKeysApartAndUsesTheDataForDash() {
        UniqueIndex index = new UniqueIndex();
        // "Aa" and "BB" have the same Arrays.hashCode, so they share a probe run.
        assertThat(UniqueIndex.hash(bytes("Aa"))).isEqualTo(UniqueIndex.hash(bytes("BB")));
        ServerJob aa = job(PREFIX, 1, "Aa", "x");
        ServerJob bb = job(PREFIX, 2, "BB", "y");
        ServerJob dash = job(PREFIX, 3, "-", "payload");
        index.add(aa);
        index.add(bb);
        index.add(dash);
        assertThat(index.get(bytes("Aa"))).isSameAs(aa);
        assertThat(index.get(bytes("BB"))).isSameAs(bb);
        assertThat(index.get(bytes("payload"))).isSameAs(dash);
        assertThat(index.get(bytes("-"))).isNull();
        assertThat(index.remove(aa)).isTrue();
        assertThat(index.get(bytes("Aa"))).isNull();
        assertThat(index.get(bytes("BB"))).isSameAs(bb);
        assertThat(job(PREFIX, 4, "", "d").uniqueKey()).isNull();
    }

    @Test
    void uniqueIndexGrowsAndShrinksUnderManyKeys() {
        UniqueIndex index = new UniqueIndex();
        List<ServerJob> jobs = new ArrayList<>();
        for (int n = 0; n < 50_000; n++) {
            ServerJob j = job(PREFIX, n + 1, "u-" + n, "");
            jobs.add(j);
            index.add(j);
        }
        for (int n = 0; n < 50_000; n += 2) {
            index.remove(jobs.get(n));
        }
        for (int n = 0; n < 50_000; n++) {
            assertThat(index.get(bytes("u-" + n))).isSameAs(n % 2 == 0 ? null : jobs.get(n));
        }
        assertThat(index.size()).isEqualTo(25_000);
    }
}
