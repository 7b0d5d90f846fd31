package reluflow.job.config;

/** A configuration that cannot work; the message names the key and what to set. */
public class InvalidConfigException extends IllegalArgumentException {
    public InvalidConfigException(String message) {
        super(message);
    }

    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
