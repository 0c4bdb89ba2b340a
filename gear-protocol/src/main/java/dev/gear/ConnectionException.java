package dev.gear;

/**
 * A connection to a Gearman server could not be opened, or was lost while a call depended on it. gear's {@code ConnectionError}.
 */
public class ConnectionException extends GearmanException {
    private static final long serialVersionUID = 1L;

    public ConnectionException(String message) {
        super(message);
    }

    public ConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
