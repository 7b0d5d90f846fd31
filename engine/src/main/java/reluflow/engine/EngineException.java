package reluflow.engine;

/**
 * A problem with the model or the engine's configuration, found at start-up. The message says what
 * to fix; it is meant to be shown to the user as it is.
 */
public class EngineException extends Exception {
    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
