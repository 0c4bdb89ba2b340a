package dev.gear.junit5;

import dev.gear.testkit.JobState;
import dev.gear.testkit.Payload;
import dev.gear.testkit.Peer;
import dev.gear.testkit.RecordedJob;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.assertj.core.api.AbstractObjectAssert;

/**
 * Assertions on one {@link RecordedJob}, as a job assertion found it: its result, state,
 * progress (WORK_STATUS), data and warning chunks, failure reason, and the worker that ran it.
 * Every failure names the job by handle, function and payload.
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
                    "\nExpected the result of " + job() + " to be\n  " + expected + "\nbut was\n  "
                            + (actual.result() == null ? "none (state " + actual.state() + ")"
                                    : actual.result() + "\n  (" + actual.result().describeDifference(expected) + ")"));
        }
        return myself;
    }

    /** That the job is in {@code state} (as it was when the assertion found it). */
    public RecordedJobAssert hasState(JobState state) {
        isNotNull();
        if (actual.state() != state) {
            throw failureWithActualExpected(actual.state(), state, "%s",
                    "\nExpected " + job() + " to be " + state + " but was " + actual.state());
        }
        return myself;
    }

    /** That the job was assigned to a worker exactly {@code attempts} times. */
    public RecordedJobAssert hasAttempts(int attempts) {
        isNotNull();
        if (actual.attempts() != attempts) {
            throw failureWithActualExpected(actual.attempts(), attempts, "%s", "\nExpected " + job()
                    + " to have been assigned " + attempts + " time(s) but it was " + actual.attempts() + " time(s)");
        }
        return myself;
    }

    /** That the job's last WORK_STATUS was {@code numerator}/{@code denominator}. */
    public RecordedJobAssert hasStatus(long numerator, long denominator) {
        isNotNull();
        if (actual.numerator() != numerator || actual.denominator() != denominator) {
            String was = actual.numerator() + "/" + actual.denominator();
            String expected = numerator + "/" + denominator;
            throw failureWithActualExpected(was, expected, "%s", "\nExpected the last WORK_STATUS of " + job()
                    + " to be " + expected + " but was " + (actual.numerator() == 0 && actual.denominator() == 0
                            ? "0/0 (none sent)" : was));
        }
        return myself;
    }

    /** That the job's WORK_DATA chunks were exactly these, in order, as UTF-8. */
    public RecordedJobAssert hasData(String first, String... more) {
        return chunks("WORK_DATA", actual.data(), texts(first, more));
    }

    /** That the job's WORK_DATA chunks were exactly these, in order. */
    public RecordedJobAssert hasData(byte[] first, byte[]... more) {
        return chunks("WORK_DATA", actual.data(), bytes(first, more));
    }

    /** That the job's WORK_WARNING chunks were exactly these, in order, as UTF-8. */
    public RecordedJobAssert hasWarnings(String first, String... more) {
        return chunks("WORK_WARNING", actual.warnings(), texts(first, more));
    }

    /** That the job's WORK_WARNING chunks were exactly these, in order. */
    public RecordedJobAssert hasWarnings(byte[] first, byte[]... more) {
        return chunks("WORK_WARNING", actual.warnings(), bytes(first, more));
    }

    /**
     * That the server gave {@code reason} for failing, dropping or requeueing the job last (e.g.
     * {@code "worker sent WORK_FAIL"}, or the worker-loss reason); compared exactly.
     */
    public RecordedJobAssert hasFailureReason(String reason) {
        isNotNull();
        Objects.requireNonNull(reason, "reason");
        if (!reason.equals(actual.reason())) {
            throw failureWithActualExpected(String.valueOf(actual.reason()), reason, "%s", "\nExpected " + job()
                    + " to have failure reason\n  \"" + reason + "\"\nbut it had"
                    + (actual.reason() == null ? " none (state " + actual.state() + ")" : "\n  \"" + actual.reason() + "\""));
        }
        return myself;
    }

    /** That the worker holding or last holding the job presented a certificate with this CN. */
    public RecordedJobAssert wasRunBy(String commonName) {
        isNotNull();
        Objects.requireNonNull(commonName, "commonName");
        Peer worker = actual.worker();
        if (worker == null || !commonName.equals(worker.subject())) {
            String was = worker == null ? "no worker (never assigned)" : worker.subject() == null
                    ? "[" + worker + "] (no certificate)" : "CN=" + worker.subject() + " [" + worker + "]";
            throw failureWithActualExpected(was, "CN=" + commonName, "%s", "\nExpected " + job()
                    + " to have been run by CN=" + commonName + " but it was run by " + was);
        }
        return myself;
    }

    /** That the test kit's stub worker ran the job (a {@code server.stub(...)} answered it). */
    public RecordedJobAssert wasRunByStub() {
        isNotNull();
        Peer worker = actual.worker();
        if (worker == null || !worker.stub()) {
            String was = worker == null ? "no worker (never assigned)" : "[" + worker + "]";
            throw failureWithActualExpected(was, "the test kit's stub", "%s", "\nExpected " + job()
                    + " to have been run by the test kit's stub, but it was run by " + was);
        }
        return myself;
    }

    private RecordedJobAssert chunks(String kind, List<Payload> was, List<Payload> expected) {
        isNotNull();
        if (!was.equals(expected)) {
            throw failureWithActualExpected(render(was), render(expected), "%s", "\nExpected the " + kind
                    + " chunks of " + job() + " to be\n  " + render(expected) + "\nbut they were\n  " + render(was));
        }
        return myself;
    }

    /** How failures name the job: handle, function and payload, so a reader finds it in the journal. */
    private String job() {
        return "job " + actual.handle() + " for function '" + actual.function() + "' with payload " + actual.payload();
    }

    private static String render(List<Payload> chunks) {
        return chunks.isEmpty() ? "(none)" : chunks.toString();
    }

    private static List<Payload> texts(String first, String... more) {
        List<Payload> out = new ArrayList<>();
        out.add(Payload.of(first.getBytes(StandardCharsets.UTF_8)));
        for (String m : more) {
            out.add(Payload.of(m));
        }
        return out;
    }

    private static List<Payload> bytes(byte[] first, byte[]... more) {
        List<Payload> out = new ArrayList<>();
        out.add(Payload.of(first));
        for (byte[] m : more) {
            out.add(Payload.of(m));
        }
        return out;
    }
}
