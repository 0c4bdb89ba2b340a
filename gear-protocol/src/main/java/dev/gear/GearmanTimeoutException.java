package dev.gear;

/**
 * A wait ran out of time before the awaited answer or event arrived. gear's {@code TimeoutError}.
 */
public class GearmanTimeoutException extends GearmanException {
    private static final long serialVersionUID = 1L;

    public GearmanTimeoutException(String message) {
        super(message);
    }

    public GearmanTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
