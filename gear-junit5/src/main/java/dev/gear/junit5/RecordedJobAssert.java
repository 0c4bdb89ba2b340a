package dev.gear.junit5;

import dev.gear.testkit.JobState;
import dev.gear.testkit.Payload;
import dev.gear.testkit.RecordedJob;
import org.assertj.core.api.AbstractObjectAssert;

/**
 * Assertions on one {@link RecordedJob}, as a job assertion found it.
 *
 * @since 0.1
 */
public final class RecordedJobAssert extends AbstractObjectAssert<RecordedJobAssert, RecordedJob> {
    RecordedJobAssert(RecordedJob job) {
        super(job, RecordedJobAssert.class);
    }

    /** That the job's result (WORK_COMPLETE data, or WORK_EXCEPTION data) is {@code result} as UTF-8. */
    public RecordedJobAssert hasResult(String result) {
        return hasResult(Payload.of(result));
    }

    /** That the job's result (WORK_COMPLETE data, or WORK_EXCEPTION data) is {@code result}. */
    public RecordedJobAssert hasResult(byte[] result) {
        return hasResult(Payload.of(result));
    }

    private RecordedJobAssert hasResult(Payload expected) {
        isNotNull();
        if (!expected.equals(actual.result())) {
            throw failureWithActualExpected(String.valueOf(actual.result()), expected.toString(), "%s",
                    "\nExpected the result of job " + actual.handle() + " to be\n  " + expected + "\nbut was\n  "
                            + (actual.result() == null ? "none (state " + actual.state() + ")" : actual.result()));
        }
        return myself;
    }

    /** That the job is in {@code state} (as it was when the assertion found it). */
    public RecordedJobAssert hasState(JobState state) {
        isNotNull();
        if (actual.state() != state) {
            throw failureWithActualExpected(actual.state(), state, "%s",
                    "\nExpected job " + actual.handle() + " to be " + state + " but was " + actual.state());
        }
        return myself;
    }

    /** That the job was assigned to a worker exactly {@code attempts} times. */
    public RecordedJobAssert hasAttempts(int attempts) {
        isNotNull();
        if (actual.attempts() != attempts) {
            throw failureWithActualExpected(actual.attempts(), attempts, "%s", "\nExpected job " + actual.handle()
                    + " to have been assigned " + attempts + " time(s) but it was " + actual.attempts() + " time(s)");
        }
        return myself;
    }
}
