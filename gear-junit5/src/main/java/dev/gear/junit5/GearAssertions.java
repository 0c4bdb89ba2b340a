package dev.gear.junit5;

import dev.gear.testkit.EmbeddedGearmanServer;
import dev.gear.testkit.RecordedJob;
import org.assertj.core.api.Assertions;

/**
 * Entry point of gear's AssertJ assertions: what a test server saw, now or within a time.
 *
 * <pre>{@code
 * import static dev.gear.junit5.GearAssertions.assertThat;
 *
 * assertThat(server).job("resize").withPayload("a.png").isQueued();
 * assertThat(server).within(Duration.ofSeconds(5)).job("resize").isCompleted().hasResult("ok");
 * assertThat(server).hasWorkersFor("resize", 2);
 * }</pre>
 *
 * A failure names the closest job the server saw and how it differs, lists the jobs seen, and
 * carries "expected" and "actual" values that IDEs show as a diff. Waits never sleep: they wake on
 * the server's journal events.
 *
 * @since 0.1
 */
public final class GearAssertions extends Assertions {
    private GearAssertions() {
    }

    /** Assertions on what {@code server} saw. */
    public static GearmanServerAssert assertThat(EmbeddedGearmanServer server) {
        return new GearmanServerAssert(server, null);
    }

    /** Assertions on one recorded job (from the journal or a test-kit wait). */
    public static RecordedJobAssert assertThat(RecordedJob job) {
        return new RecordedJobAssert(job);
    }
}
