package dev.gear.internal.codec;

/**
 * What was wrong with a piece of input.
 *
 * @param code    the Gearman error code to report (as in an ERROR packet), e.g. {@code INVALID_MAGIC}
 * @param message a precise, human-readable description
 * @param fatal   whether framing is lost, so the connection cannot go on
 * @param magic   for a non-fatal error on a binary frame: its magic ({@code null} for text)
 */
public record DecodeError(String code, String message, boolean fatal, dev.gear.Magic magic) {
}
