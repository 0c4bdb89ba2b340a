package dev.gear.testkit;

/**
 * How {@link Journal#dump(PayloadFormat)} and failure messages render payload bytes.
 *
 * @since 0.1
 */
public enum PayloadFormat {
    /** Text when the bytes are printable UTF-8, hex otherwise. */
    AUTO,
    /** Always UTF-8 text, control characters escaped. */
    TEXT,
    /** Always hex. */
    HEX
}
