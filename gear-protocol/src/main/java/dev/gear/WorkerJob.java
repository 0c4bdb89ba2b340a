package dev.gear;

import dev.gear.internal.client.AssignedJob;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A job a {@link Worker} received (gear's {@code WorkerJob}); send its progress and result back.
 *
 * <p>The {@code send…} methods are thread-safe and do not block: the packet is queued for the
 * I/O thread, which writes it on the connection the job came on. <b>Returning normally means
 * queued, not delivered.</b> They throw a {@link ConnectionException} when the worker already
 * knows that connection is gone (lost, or replaced by a reconnect since) or the worker is shut
 * down. A drop the worker has not seen yet cannot be known at the call: the server may have
 * dropped the worker while the packet waits in the queue or is on the wire, and then the packet
 * is lost (a warning is logged when the loss is seen before the write). Either way the server has
 * requeued or failed the job, as for any worker it lost, so a result is never applied twice; a
 * result counts as delivered only when the client received it.
 */
public final class WorkerJob {
    private static final byte[] EMPTY = new byte[0];
    private final AssignedJob job;

    WorkerJob(AssignedJob job) {
        this.job = job;
    }

    AssignedJob assigned() {
        return job;
    }

    public String handle() {
        return job.handleString();
    }

    public String name() {
        return job.nameString();
    }

    /** The function name as the server sent it (gear's {@code binary_name}). A fresh copy. */
    public byte[] binaryName() {
        return job.name();
    }

    public byte[] arguments() {
        return job.arguments(); // a fresh copy
    }

    public String argumentsAsString() {
        return job.argumentsString();
    }

    /** The unique id, or null when the server sent an empty one (gear's behaviour). */
    public String unique() {
        return job.hasUnique() ? job.uniqueString() : null;
    }

    public byte[] binaryUnique() {
        return job.hasUnique() ? job.unique() : null;
    }

    /** The server the job came from. */
    public Connection connection() {
        return new Connection(job.server());
    }

    /** WORK_DATA with an empty payload (gear's {@code sendWorkData()} default). */
    public void sendWorkData() {
        sendWorkData(EMPTY);
    }

    public void sendWorkData(byte[] data) {
        job.send(PacketType.WORK_DATA, bytes(data));
    }

    public void sendWorkData(String data) {
        sendWorkData(utf8(data));
    }

    /** WORK_WARNING with an empty payload (gear's {@code sendWorkWarning()} default). */
    public void sendWorkWarning() {
        sendWorkWarning(EMPTY);
    }

    public void sendWorkWarning(byte[] data) {
        job.send(PacketType.WORK_WARNING, bytes(data));
    }

    public void sendWorkWarning(String data) {
        sendWorkWarning(utf8(data));
    }

    /** WORK_STATUS: {@code numerator} of {@code denominator} done (sent as decimal text). */
    public void sendWorkStatus(long numerator, long denominator) {
        job.send(PacketType.WORK_STATUS, utf8(Long.toString(numerator)), utf8(Long.toString(denominator)));
    }

    /**
     * WORK_COMPLETE without data: the job ended successfully. Like every {@code send…}, returns once
     * the packet is queued (see the class comment: a connection dropped meanwhile loses it) and
     * throws {@link ConnectionException} when the job's connection is already known to be gone.
     */
    public void sendWorkComplete() {
        sendWorkComplete(EMPTY);
    }

    /**
     * WORK_COMPLETE with {@code data} as the result: queued for the job's connection.
     *
     * @throws ConnectionException when that connection is already known to be gone (lost, or
     *         replaced by a reconnect) or the worker is shut down; a drop not yet seen loses the
     *         packet instead (see the class comment)
     */
    public void sendWorkComplete(byte[] data) {
        job.send(PacketType.WORK_COMPLETE, bytes(data));
    }

    public void sendWorkComplete(String data) {
        sendWorkComplete(utf8(data));
    }

    /** WORK_FAIL: the job ended in failure. */
    public void sendWorkFail() {
        job.send(PacketType.WORK_FAIL);
    }

    /** WORK_EXCEPTION with an empty payload (gear's {@code sendWorkException()} default). */
    public void sendWorkException() {
        sendWorkException(EMPTY);
    }

    /**
     * WORK_EXCEPTION: the job ended in failure with this payload. gearmand passes it on only to
     * clients that set the {@code exceptions} option; the others get WORK_FAIL.
     */
    public void sendWorkException(byte[] data) {
        job.send(PacketType.WORK_EXCEPTION, bytes(data));
    }

    public void sendWorkException(String data) {
        sendWorkException(utf8(data));
    }

    /** Not copied: the packet body is built from it before {@code send…} returns. */
    private static byte[] bytes(byte[] data) {
        return Objects.requireNonNull(data, "data");
    }

    private static byte[] utf8(String s) {
        return Objects.requireNonNull(s, "data").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "WorkerJob[" + name() + ", " + handle() + "]";
    }
}
