package dev.gear.testkit;

import dev.gear.testkit.internal.HoldingStub;
import dev.gear.testkit.internal.StubRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A function the test server answers itself, so the client under test needs no real worker.
 *
 * <p>The answer travels exactly as a worker's would: the test kit's stub worker holds a real
 * connection to the server, registers the function with CAN_DO, grabs jobs and sends
 * WORK_STATUS/DATA/WARNING and WORK_COMPLETE/FAIL/EXCEPTION. So the journal, the snapshots and the
 * admin {@code workers} list show it as a worker (its {@link Peer#stub()} is true), and unique-id
 * coalescing, priorities and worker-loss handling all apply as for any worker.
 *
 * <p>The stub registers with the server when its first rule is set (not when
 * {@link EmbeddedGearmanServer#stub(String)} returns), and the {@code will…} call returns once
 * the server knows it: a job submitted afterwards is answered by the rule.
 *
 * <p>Rules: {@link #when(Predicate)} adds a conditional rule, checked in the order added; the
 * {@code will…} methods set the default rule. A job no rule matches is failed (WORK_FAIL) and
 * recorded as {@link JournalEvent.JobUnmatched}. Each rule may answer with a sequence of
 * responses, one per job, the last repeating: {@code willRespond(fail(), fail(), complete("ok"))}
 * scripts a job that succeeds on the third try. Thread-safe.
 *
 * @since 0.1
 */
public final class StubbedFunction {
    private final StubRules rules;
    private final Runnable register;
    private final AtomicBoolean registered = new AtomicBoolean();
    private final HoldingStub holding;

    /** {@code register} announces the function to the server; run once, after the first rule is in place. */
    StubbedFunction(StubRules rules, Runnable register) {
        this(rules, register, null);
    }

    /** {@code holding} keeps the jobs {@link #willHold()} takes. */
    StubbedFunction(StubRules rules, Runnable register, HoldingStub holding) {
        this.rules = rules;
        this.register = register;
        this.holding = holding;
    }

    /**
     * Registers with the server once the first rule exists, so no job can reach the stub before it
     * knows how to answer; returns after the server has processed the registration.
     */
    private StubbedFunction registered() {
        if (registered.compareAndSet(false, true)) {
            register.run();
        }
        return this;
    }

    /** The function name. */
    public String function() {
        return rules.function();
    }

    /** By default, complete every job with {@code result}. */
    public StubbedFunction willComplete(byte[] result) {
        return willRespond(StubResponse.complete(result));
    }

    /** By default, complete every job with {@code result} as UTF-8. */
    public StubbedFunction willComplete(String result) {
        return willRespond(StubResponse.complete(result));
    }

    /** By default, complete every job with a result computed from its payload. */
    public StubbedFunction willAnswer(Function<byte[], byte[]> result) {
        return willRespond(StubResponse.answer(result));
    }

    /** By default, complete every job with a UTF-8 result computed from its payload decoded as UTF-8. */
    public StubbedFunction willAnswerAsString(Function<String, String> result) {
        return willRespond(StubResponse.answerAsString(result));
    }

    /** By default, fail every job (WORK_FAIL). */
    public StubbedFunction willFail() {
        return willRespond(StubResponse.fail());
    }

    /** By default, end every job with WORK_EXCEPTION carrying {@code message}. */
    public StubbedFunction willThrow(String message) {
        return willRespond(StubResponse.exception(message));
    }

    /** By default, answer the first job with {@code first}, the next ones with {@code then} in order; the last repeats. */
    public StubbedFunction willRespond(StubResponse first, StubResponse... then) {
        rules.setDefault(sequence(first, then));
        return registered();
    }

    /**
     * By default, take every job and answer nothing until the test does: the job stays RUNNING on
     * the stub, and {@link #awaitHeld(int)} hands it to the test as a {@link HeldJob}.
     */
    public StubbedFunction willHold() {
        return willRespond(StubResponse.hold());
    }

    /** {@link #awaitHeld(int, Duration)} with the server's default timeout. */
    public List<HeldJob> awaitHeld(int count) {
        return awaitHeld(count, null);
    }

    /**
     * Waits until this stub holds at least {@code count} jobs the test has not finished, and returns
     * them in the order the stub took them.
     *
     * @throws AssertionError on timeout, listing what the stub holds and every job the journal saw
     */
    public List<HeldJob> awaitHeld(int count, Duration timeout) {
        if (holding == null) {
            throw new IllegalStateException("this stub is not attached to a running server");
        }
        return holding.awaitHeld(function(), count, timeout).stream().map(HeldJob::new).toList();
    }

    /** Starts a conditional rule for jobs whose payload satisfies {@code payloadMatches}. */
    public Conditional when(Predicate<byte[]> payloadMatches) {
        return new Conditional(Objects.requireNonNull(payloadMatches, "payloadMatches"));
    }

    /** A rule under construction; ends with one of the {@code will…} methods. */
    public final class Conditional {
        private final Predicate<byte[]> when;

        private Conditional(Predicate<byte[]> when) {
            this.when = when;
        }

        /** Completes matching jobs with {@code result} as UTF-8. */
        public StubbedFunction willComplete(String result) {
            return willRespond(StubResponse.complete(result));
        }

        /** Completes matching jobs with {@code result}. */
        public StubbedFunction willComplete(byte[] result) {
            return willRespond(StubResponse.complete(result));
        }

        /** Completes matching jobs with a result computed from the payload. */
        public StubbedFunction willAnswer(Function<byte[], byte[]> result) {
            return willRespond(StubResponse.answer(result));
        }

        /** Completes matching jobs with a UTF-8 result computed from the payload decoded as UTF-8. */
        public StubbedFunction willAnswerAsString(Function<String, String> result) {
            return willRespond(StubResponse.answerAsString(result));
        }

        /** Fails matching jobs (WORK_FAIL). */
        public StubbedFunction willFail() {
            return willRespond(StubResponse.fail());
        }

        /** Ends matching jobs with WORK_EXCEPTION carrying {@code message}. */
        public StubbedFunction willThrow(String message) {
            return willRespond(StubResponse.exception(message));
        }

        /** Holds the matching jobs for the test to answer (see {@link StubbedFunction#willHold()}). */
        public StubbedFunction willHold() {
            return willRespond(StubResponse.hold());
        }

        /** Answers matching jobs with {@code first}, the next ones with {@code then} in order; the last repeats. */
        public StubbedFunction willRespond(StubResponse first, StubResponse... then) {
            rules.addConditional(when, sequence(first, then));
            return registered();
        }
    }

    private static List<StubResponse> sequence(StubResponse first, StubResponse... then) {
        List<StubResponse> all = new ArrayList<>();
        all.add(Objects.requireNonNull(first, "first"));
        for (StubResponse r : then) {
            all.add(Objects.requireNonNull(r, "response"));
        }
        return all;
    }

    @Override
    public String toString() {
        return "StubbedFunction[" + function() + "]";
    }
}
