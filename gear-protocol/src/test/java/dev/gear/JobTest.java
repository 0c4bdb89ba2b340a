package dev.gear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JobTest {
    @Test
    void stringConvenienceUsesUtf8() {
        Job job = new Job("fünc", "ärgs", "ünique");
        assertThat(job.binaryName()).isEqualTo("fünc".getBytes(StandardCharsets.UTF_8));
        assertThat(job.arguments()).isEqualTo("ärgs".getBytes(StandardCharsets.UTF_8));
        assertThat(job.unique()).isEqualTo("ünique");
        assertThat(new Job("f", new byte[] {1}).unique()).isNull();
    }

    @Test
    void freshJobHasNoResultsAndItsWaitTimesOut() {
        Job job = new Job("f", "x");
        assertThat(job.handle()).isNull();
        assertThat(job.isComplete()).isFalse();
        assertThat(job.known()).isNull();
        assertThat(job.fractionComplete()).isNull();
        assertThat(job.data()).isEmpty();
        assertThatThrownBy(() -> job.waitForCompletion(Duration.ofMillis(10)))
                .isInstanceOf(GearmanTimeoutException.class);
    }

    @Test
    void arraysAreCopied() {
        byte[] args = {1, 2};
        Job job = new Job("f", args);
        args[0] = 9;
        assertThat(job.arguments()).containsExactly(1, 2);
        job.arguments()[1] = 9;
        assertThat(job.arguments()).containsExactly(1, 2);
    }

    @Test
    void functionRecordTimeoutMustBePositive() {
        assertThatThrownBy(() -> new FunctionRecord("f", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new FunctionRecord("f").timeout()).isNull();
    }
}
