package reluflow.cli;

/** A mistake in what the user asked for (a missing file, a bad option); shown as it is, without a stack trace. */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }
}
