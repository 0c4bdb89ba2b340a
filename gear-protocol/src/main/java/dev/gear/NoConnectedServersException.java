package dev.gear;

/**
 * No server is connected, so the request could not be sent anywhere. gear's {@code NoConnectedServersError}.
 */
public class NoConnectedServersException extends GearmanException {
    private static final long serialVersionUID = 1L;

    public NoConnectedServersException(String message) {
        super(message);
    }

    public NoConnectedServersException(String message, Throwable cause) {
        super(message, cause);
    }
}
