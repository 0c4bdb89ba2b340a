package dev.gear.internal.codec;

import dev.gear.Packet;

/** Receives what {@link FrameDecoder} recognises, in stream order. */
public interface DecodeListener {
    /** A complete binary packet whose body has the separators its type needs. */
    void onPacket(Packet packet);

    /** A text line (admin command or admin reply line) without its {@code \n} or {@code \r\n}. */
    void onLine(String line);

    /**
     * Input that is wrong. When {@link DecodeError#fatal()} is false the decoder has skipped the bad
     * frame and goes on; when true, framing is lost and the decoder accepts no more input.
     */
    void onError(DecodeError error);

    /**
     * Whether a frame that starts with a byte other than NUL may be read as a text line now. A
     * client expects text only while an admin request awaits its reply: there, such bytes are not
     * a line (no newline may ever come, and the line would swallow the packets after it), and the
     * decoder fails at once with {@code UNEXPECTED_TEXT} naming them. Asked once per such frame.
     */
    default boolean acceptsText() {
        return true;
    }
}
