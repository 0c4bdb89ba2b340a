package dev.gear;

/**
 * The events of {@link Client}'s {@code handle…} hooks, without subclassing. Register with
 * {@link Client.Builder#listener}.
 *
 * <p>Every method runs on the client's I/O thread, after the job's fields were updated and before
 * its {@link Job#completion()} completes. It must return quickly and never block (no waiting for
 * other jobs, no blocking I/O): while it runs, no packet of any of the client's connections is
 * read. An exception thrown here is logged and otherwise ignored.
 */
public interface ClientListener {
    /** JOB_CREATED: the job has its handle. */
    default void onJobCreated(Job job) {
    }

    /** WORK_DATA; {@code data} is the packet's payload. */
    default void onWorkData(Job job, byte[] data) {
    }

    /** WORK_WARNING; {@code data} is the packet's payload. */
    default void onWorkWarning(Job job, byte[] data) {
    }

    /** WORK_STATUS: numerator and denominator updated. */
    default void onWorkStatus(Job job) {
    }

    /** WORK_COMPLETE: the job ended successfully. */
    default void onWorkComplete(Job job) {
    }

    /** WORK_FAIL: the job ended in failure. */
    default void onWorkFail(Job job) {
    }

    /** WORK_EXCEPTION: the job ended in failure with an exception payload. */
    default void onWorkException(Job job) {
    }

    /** STATUS_RES answered {@link Client#getStatus(Job)}. */
    default void onStatusRes(Job job) {
    }

    /** The connection the job was running on was lost (by default the job has just failed). */
    default void onDisconnect(Job job) {
    }
}
