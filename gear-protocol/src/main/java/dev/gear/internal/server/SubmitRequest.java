package dev.gear.internal.server;

import dev.gear.PacketType;
import dev.gear.Precedence;
import java.util.Arrays;

/**
 * One SUBMIT_* packet, parsed and checked ({@link RequestParser#submit}). The fields point into the
 * packet's body: the function name is {@code body[0, nameEnd)}; the data is {@link #data}, which is
 * the body itself when {@link #dataInBody} (a large payload is never copied out of it).
 *
 * @param type            which SUBMIT_* (it decides the fields)
 * @param body            the packet's body, not copied
 * @param nameEnd         the NUL after the function name
 * @param unique          a copy of the unique ({@link ServerJob#NO_BYTES} when empty)
 * @param data            the payload, or the whole body when {@code dataInBody}
 * @param dataInBody      whether {@code data} is {@code body} with the payload from {@code dataStart}
 * @param dataStart       where the payload starts in {@code body}
 * @param precedence      HIGH, NORMAL or LOW
 * @param background      whether no client waits for the result
 * @param reducer         SUBMIT_REDUCE_JOB*'s reducer, else {@code null}
 * @param notBeforeMillis SUBMIT_JOB_EPOCH's time as epoch milliseconds, else 0
 */
record SubmitRequest(PacketType type, byte[] body, int nameEnd, byte[] unique, byte[] data, boolean dataInBody,
        int dataStart, Precedence precedence, boolean background, byte[] reducer, long notBeforeMillis) {

    /** The coalescing key: the unique, the data for unique {@code -}, or null (an empty unique never coalesces). */
    byte[] uniqueKey() {
        return ServerJob.uniqueKeyOf(unique, data);
    }

    /** The payload as an array of its own (a copy only when it lies in the body). */
    byte[] dataCopy() {
        return dataInBody ? Arrays.copyOfRange(body, dataStart, body.length) : data;
    }
}
