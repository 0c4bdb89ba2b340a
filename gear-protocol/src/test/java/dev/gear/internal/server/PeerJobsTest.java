package dev.gear.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gear.Precedence;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A connection's job set keeps set semantics and insertion order across its small/large switch. */
class PeerJobsTest {
    private final FunctionEntry function = new FunctionEntry("f");

    private List<ServerJob> jobs(int n) {
        List<ServerJob> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new ServerJob(new byte[] {'H', ':'}, i + 1, function, new byte[0], new byte[0], Precedence.NORMAL,
                    false, null, null, null));
        }
        return out;
    }

    @Test
    void orderedSetBelowAndAboveTheArrayLimit() {
        for (int n : new int[] {1, 3, PeerJobs.SMALL, PeerJobs.SMALL + 1, 500}) {
            PeerJobs set = new PeerJobs();
            List<ServerJob> jobs = jobs(n);
            jobs.forEach(set::add);
            jobs.forEach(set::add); // duplicates are ignored, as by a Set
            assertThat(set.size()).isEqualTo(n);
            assertThat(set.toList()).containsExactlyElementsOf(jobs);
            List<ServerJob> expected = new ArrayList<>(jobs);
            for (int i = 0; i < n; i += 2) {
                set.remove(jobs.get(i));
                expected.remove(jobs.get(i));
            }
            set.remove(jobs.get(0)); // absent: no effect
            assertThat(set.toList()).containsExactlyElementsOf(expected);
            set.clear();
            assertThat(set.size()).isZero();
            assertThat(set.toList()).isEmpty();
        }
    }
}
