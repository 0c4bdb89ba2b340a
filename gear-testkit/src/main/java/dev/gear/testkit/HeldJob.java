package dev.gear.testkit;

import dev.gear.PacketType;
import dev.gear.testkit.internal.HoldingStub;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A job a stub took with {@link StubbedFunction#willHold()} and keeps RUNNING until the test
 * answers it, as Zuul's fake executor holds builds while they run. Each method sends one real
 * worker packet on the stub's connection (WORK_DATA, WORK_WARNING, WORK_STATUS, WORK_COMPLETE,
 * WORK_FAIL, WORK_EXCEPTION) and returns once the server has processed it, so the client's view and
 * the journal are up to date when it returns.
 *
 * <p>A job ends once: a second {@link #complete}, {@link #fail()} or {@link #throwException} throws
 * {@link IllegalStateException}, as does sending data after the end. Jobs the test never finishes
 * are failed (WORK_FAIL) when the server is reset or closed, with a {@link JournalEvent.KitNote}.
 * Thread-safe.
 *
 * @since 0.2
 */
public final class HeldJob {
    private final HoldingStub.Taken taken;

    HeldJob(HoldingStub.Taken taken) {
        this.taken = taken;
    }

    /** The job handle. */
    public String handle() {
        return taken.handle();
    }

    /** The function name. */
    public String function() {
        return taken.function();
    }

    /** The job's arguments. */
    public Payload payload() {
        return taken.payload();
    }

    /** The job's arguments as UTF-8 text. */
    public String payloadText() {
        return taken.payload().utf8();
    }

    /** Whether the test has finished the job (complete, fail or exception). */
    public boolean isFinished() {
        return taken.isFinished();
    }

    /** Sends WORK_DATA. */
    public HeldJob sendData(byte[] data) {
        taken.send(PacketType.WORK_DATA, data.clone());
        return this;
    }

    /** Sends WORK_DATA with {@code data} as UTF-8. */
    public HeldJob sendData(String data) {
        return sendData(utf8(data));
    }

    /** Sends WORK_WARNING. */
    public HeldJob sendWarning(byte[] data) {
        taken.send(PacketType.WORK_WARNING, data.clone());
        return this;
    }

    /** Sends WORK_WARNING with {@code data} as UTF-8. */
    public HeldJob sendWarning(String data) {
        return sendWarning(utf8(data));
    }

    /** Sends WORK_STATUS {@code numerator}/{@code denominator}. */
    public HeldJob sendStatus(long numerator, long denominator) {
        taken.send(PacketType.WORK_STATUS, utf8(Long.toString(numerator)), utf8(Long.toString(denominator)));
        return this;
    }

    /** Ends the job with WORK_COMPLETE carrying {@code result} as UTF-8. */
    public void complete(String result) {
        Objects.requireNonNull(result, "result");
        taken.finish("complete(\"" + result + "\")", PacketType.WORK_COMPLETE, utf8(result));
    }

    /** Ends the job with WORK_COMPLETE carrying {@code result}. */
    public void complete(byte[] result) {
        taken.finish("complete(" + Payload.of(result) + ")", PacketType.WORK_COMPLETE, result.clone());
    }

    /** Ends the job with WORK_FAIL. */
    public void fail() {
        taken.finish("fail()", PacketType.WORK_FAIL);
    }

    /** Ends the job with WORK_EXCEPTION carrying {@code message} as UTF-8. */
    public void throwException(String message) {
        Objects.requireNonNull(message, "message");
        taken.finish("throwException(\"" + message + "\")", PacketType.WORK_EXCEPTION, utf8(message));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "HeldJob[" + taken + "]";
    }
}
