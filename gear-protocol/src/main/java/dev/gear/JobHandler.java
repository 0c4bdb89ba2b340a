package dev.gear;

/**
 * What a {@link Worker} does with each job of a function registered with
 * {@link Worker#registerFunction(String, JobHandler)}: the worker grabs jobs for it on its own,
 * no thread waits in {@code getJob}.
 *
 * <p>The handler ends the job: {@link WorkerJob#sendWorkComplete(byte[])},
 * {@link WorkerJob#sendWorkFail()} or {@link WorkerJob#sendWorkException(byte[])}, after any
 * {@code sendWorkData}/{@code sendWorkStatus} it likes. If it throws before that, the worker sends
 * WORK_EXCEPTION with the exception's {@code toString()}; if it returns without ending the job,
 * WORK_FAIL; both with a warning in the log. The worker takes its next job for this slot once the
 * handler has returned.
 *
 * <pre>{@code
 * worker.registerFunction("reverse",
 *         job -> job.sendWorkComplete(new StringBuilder(job.argumentsAsString()).reverse().toString()));
 * }</pre>
 */
@FunctionalInterface
public interface JobHandler {
    /** Does the job and sends its result; runs where {@link Worker.Builder} says (a worker thread by default). */
    void handle(WorkerJob job) throws Exception;
}
