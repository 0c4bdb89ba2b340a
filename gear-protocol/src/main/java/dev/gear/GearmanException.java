package dev.gear;

/**
 * Base of every exception this library throws. Unchecked: Gearman failures are rarely something a
 * caller can recover from at the call site, and the subclasses say precisely what went wrong.
 */
public class GearmanException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public GearmanException(String message) {
        super(message);
    }

    public GearmanException(String message, Throwable cause) {
        super(message, cause);
    }
}
