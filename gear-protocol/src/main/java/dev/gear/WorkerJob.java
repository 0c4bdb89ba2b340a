package dev.gear;

import dev.gear.internal.client.AssignedJob;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A job a {@link Worker} received (gear's {@code WorkerJob}); send its progress and result back.
 *
 * <p>The {@code send…} methods are thread-safe and do not block: the packet goes out on the I/O
 * thread, on the connection the job came on. Once that connection is gone they throw a
 * {@link ConnectionException} (the server has requeued or failed the job by then), also when the
 * worker has reconnected since.
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

    /** WORK_COMPLETE without data: the job ended successfully. */
    public void sendWorkComplete() {
        sendWorkComplete(EMPTY);
    }

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
