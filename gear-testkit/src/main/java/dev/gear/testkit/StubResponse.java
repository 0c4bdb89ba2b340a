package dev.gear.testkit;

import java.nio.charset.StandardCharsets;
import dev.gear.testkit.internal.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a stubbed function sends for one job, step by step, exactly as a worker would on the wire:
 * optional WORK_STATUS / WORK_DATA / WORK_WARNING packets and pauses, then one ending
 * (WORK_COMPLETE, WORK_FAIL or WORK_EXCEPTION), or a {@link Hold} that leaves the ending to the test.
 * Immutable.
 *
 * <pre>{@code
 * StubResponse.builder().status(1, 2).data("half").warning("slow disk")
 *         .delay(Duration.ofMillis(50)).complete("done")
 * }</pre>
 *
 * @since 0.1
 */
public final class StubResponse {
    private final List<Step> steps;

    private StubResponse(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    /** One thing the stub does while answering a job. */
    public sealed interface Step {
    }

    /** Sends WORK_DATA. */
    public record Data(Payload data) implements Step {
    }

    /** Sends WORK_WARNING. */
    public record Warning(Payload data) implements Step {
    }

    /** Sends WORK_STATUS. */
    public record Status(long numerator, long denominator) implements Step {
    }

    /** Waits before the next step (on the stub's event loop; nothing blocks). */
    public record Delay(Duration duration) implements Step {
        public Delay {
            if (duration.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative, was " + Durations.human(duration));
            }
        }

        /** {@code Delay[300 ms]}: durations read as people write them. */
        @Override
        public String toString() {
            return "Delay[" + Durations.human(duration) + "]";
        }
    }

    /** Ends with WORK_COMPLETE carrying {@code result(payload)}. */
    public record Complete(Function<byte[], byte[]> result) implements Step {
    }

    /** Ends with WORK_FAIL. */
    public record Fail() implements Step {
    }

    /** Ends with WORK_EXCEPTION carrying {@code data}. */
    public record Exception(Payload data) implements Step {
    }

    /**
     * Ends nothing: the stub keeps the job (it stays RUNNING) and answers only when the test does,
     * through the {@link HeldJob}s of {@link StubbedFunction#awaitHeld(int)}.
     */
    public record Hold() implements Step {
    }

    /** Keeps the job running until the test answers it (see {@link StubbedFunction#willHold()}). */
    public static StubResponse hold() {
        return builder().hold();
    }

    /** Completes with {@code result}. */
    public static StubResponse complete(byte[] result) {
        return builder().complete(result);
    }

    /** Completes with {@code result} as UTF-8. */
    public static StubResponse complete(String result) {
        return builder().complete(result);
    }

    /** Completes with a result computed from the job's payload. */
    public static StubResponse answer(Function<byte[], byte[]> result) {
        return builder().answer(result);
    }

    /** Completes with a UTF-8 result computed from the job's payload decoded as UTF-8. */
    public static StubResponse answerAsString(Function<String, String> result) {
        Objects.requireNonNull(result, "result");
        return answer(payload -> result.apply(new String(payload, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Fails (WORK_FAIL). */
    public static StubResponse fail() {
        return builder().fail();
    }

    /** Ends with WORK_EXCEPTION carrying {@code message} as UTF-8. */
    public static StubResponse exception(String message) {
        return builder().exception(message);
    }

    /** A builder for streamed responses. */
    public static Builder builder() {
        return new Builder();
    }

    /** The steps, the ending last. */
    public List<Step> steps() {
        return steps;
    }

    @Override
    public String toString() {
        return "StubResponse" + steps;
    }

    /** Collects steps; every terminal method ({@code complete}, {@code fail}, …) builds the response. */
    public static final class Builder {
        private final List<Step> steps = new ArrayList<>();

        private Builder() {
        }

        public Builder data(byte[] data) {
            steps.add(new Data(Payload.of(data)));
            return this;
        }

        public Builder data(String data) {
            steps.add(new Data(Payload.of(data)));
            return this;
        }

        public Builder warning(String data) {
            steps.add(new Warning(Payload.of(data)));
            return this;
        }

        public Builder warning(byte[] data) {
            steps.add(new Warning(Payload.of(data)));
            return this;
        }

        public Builder status(long numerator, long denominator) {
            steps.add(new Status(numerator, denominator));
            return this;
        }

        public Builder delay(Duration duration) {
            steps.add(new Delay(Objects.requireNonNull(duration, "duration")));
            return this;
        }

        public StubResponse complete(byte[] result) {
            byte[] copy = result.clone();
            return end(new Complete(payload -> copy.clone()));
        }

        public StubResponse complete(String result) {
            return complete(result.getBytes(StandardCharsets.UTF_8));
        }

        public StubResponse answer(Function<byte[], byte[]> result) {
            return end(new Complete(Objects.requireNonNull(result, "result")));
        }

        public StubResponse fail() {
            return end(new Fail());
        }

        /** After the steps so far, keeps the job until the test answers it (see {@link StubbedFunction#willHold()}). */
        public StubResponse hold() {
            return end(new Hold());
        }

        public StubResponse exception(String message) {
            return end(new Exception(Payload.of(message)));
        }

        public StubResponse exception(byte[] data) {
            return end(new Exception(Payload.of(data)));
        }

        private StubResponse end(Step last) {
            List<Step> all = new ArrayList<>(steps);
            all.add(last);
            return new StubResponse(all);
        }
    }
}
