package dev.gear;

/**
 * The server answered with an ERROR packet. Carries the packet's code (for example
 * {@code QUEUE_ERROR}, or {@code 0} for an ACL denial) and its text. gear's {@code GearmanError}.
 */
public class GearmanErrorException extends GearmanException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final String text;

    public GearmanErrorException(String code, String text) {
        this(code, text, "Server answered ERROR " + code + ": " + text);
    }

    public GearmanErrorException(String code, String text, String message) {
        super(message);
        this.code = code;
        this.text = text;
    }

    /** The ERROR packet's first argument, for example {@code QUEUE_ERROR}. */
    public String code() {
        return code;
    }

    /** The ERROR packet's second argument, the human-readable reason. */
    public String text() {
        return text;
    }
}
