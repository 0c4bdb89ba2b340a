package dev.gear;

/**
 * An API was configured or called in a way that cannot work, for example the same server added twice. gear's {@code ConfigurationError}.
 */
public class ConfigurationException extends GearmanException {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
