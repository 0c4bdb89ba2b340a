package dev.gear;

/**
 * Bytes or arguments that do not form valid Gearman data: a malformed packet, a bad magic, an argument the protocol cannot carry. gear's {@code InvalidDataError}.
 */
public class InvalidDataException extends GearmanException {
    private static final long serialVersionUID = 1L;

    public InvalidDataException(String message) {
        super(message);
    }

    public InvalidDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
