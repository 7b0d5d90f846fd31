package reluflow.kafka;

/** Thrown by {@link KafkaBroker#start} when a requested listener port is already taken. */
public final class PortInUseException extends IllegalStateException {

    private final String host;
    private final int port;

    PortInUseException(String host, int port, String what, String hint, Throwable cause) {
        super("port " + port + " on " + host + " is already in use: "
                + (cause == null || cause.getMessage() == null ? "bind failed" : cause.getMessage())
                + " (" + what + "); choose another with " + hint + ", or 0 for a free port", cause);
        this.host = host;
        this.port = port;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }
}
