package dev.gear;

/**
 * A packet or call named a job handle that is not known here. gear's {@code UnknownJobError}.
 */
public class UnknownJobException extends GearmanException {
    private static final long serialVersionUID = 1L;

    public UnknownJobException(String message) {
        super(message);
    }

    public UnknownJobException(String message, Throwable cause) {
        super(message, cause);
    }
}
