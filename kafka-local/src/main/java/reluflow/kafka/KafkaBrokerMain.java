package reluflow.kafka;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link KafkaBroker} as its own process until SIGTERM (or Ctrl-C).
 *
 * <pre>
 * java -cp ... reluflow.kafka.KafkaBrokerMain --port 9092 --controller-port 9093 \
 *     --data-dir ~/.reluflow/kafka --topics features:2,predictions:1
 * </pre>
 *
 * <p>Prints exactly one line {@code KAFKA_READY bootstrap=HOST:PORT} on stdout once the broker
 * accepts clients and the topics exist; a launcher waits for that line. Exit codes: 0 after a
 * clean stop, 2 for bad arguments, 3 when a port is taken, 1 for other start failures.
 */
public final class KafkaBrokerMain {

    /** The line printed on stdout once the broker is ready, followed by {@code bootstrap=HOST:PORT}. */
    public static final String READY_MARKER = "KAFKA_READY";

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) {
        int rc = run(args, System.out, System.err);
        if (rc != 0) {
            System.exit(rc);
        }
        // rc 0: either --help, or the JVM is already shutting down (SIGTERM) and the hook closed
        // the broker; calling System.exit from here would block.
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Options opts;
        try {
            opts = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println(Options.USAGE);
            return 2;
        }
        if (opts.help) {
            out.println(Options.USAGE);
            return 0;
        }

        KafkaBroker.Settings settings;
        try {
            settings = KafkaBroker.Settings.defaults()
                    .withHost(opts.host)
                    .withBrokerPort(opts.port)
                    .withControllerPort(opts.controllerPort)
                    .withDataDir(opts.dataDir)
                    .withExtraBrokerProperties(opts.props);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        KafkaBroker broker;
        try {
            broker = KafkaBroker.start(settings);
        } catch (PortInUseException e) {
            err.println("error: " + e.getMessage());
            return 3;
        } catch (RuntimeException e) {
            err.println("error: Kafka broker failed to start: " + e);
            e.printStackTrace(err);
            return 1;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            try {
                broker.close();
            } finally {
                stopped.countDown();
            }
        }, "reluflow-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        try {
            broker.createTopics(opts.topics);
        } catch (RuntimeException e) {
            err.println("error: cannot create topics " + opts.topics + ": " + e.getMessage());
            return 1; // System.exit runs the hook, which closes the broker
        }
        out.println(READY_MARKER + " bootstrap=" + broker.bootstrapServers());
        out.flush();

        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    static final class Options {
        static final String USAGE = String.join("\n",
                "usage: KafkaBrokerMain [--port P] [--controller-port C] [--data-dir DIR] [--host H]",
                "                       [--topics name:partitions,...] [--prop key=value]...",
                "  --port             client port (default 9092; 0 = a free port)",
                "  --controller-port  KRaft controller port (default 9093; 0 = a free port)",
                "  --data-dir         logs and metadata; kept across restarts (default: a temp dir,",
                "                     deleted on stop)",
                "  --host             address to bind and advertise (default 127.0.0.1)",
                "  --topics           topics to create if missing, e.g. features:2,predictions:1",
                "  --prop             extra broker property, repeatable");

        private static final java.util.Set<String> KNOWN = java.util.Set.of(
                "--port", "--controller-port", "--data-dir", "--host", "--topics", "--prop");

        int port = 9092;
        int controllerPort = 9093;
        Path dataDir;
        String host = KafkaBroker.Settings.DEFAULT_HOST;
        final Map<String, Integer> topics = new LinkedHashMap<>();
        final Map<String, String> props = new LinkedHashMap<>();
        boolean help;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String value = null;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    value = arg.substring(eq + 1);
                    arg = arg.substring(0, eq);
                }
                if (arg.equals("-h") || arg.equals("--help")) {
                    o.help = true;
                    continue;
                }
                if (!KNOWN.contains(arg)) {
                    throw new IllegalArgumentException("unknown option " + arg);
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(arg + " needs a value");
                    }
                    value = args[++i];
                }
                switch (arg) {
                    case "--port" -> o.port = port(arg, value);
                    case "--controller-port" -> o.controllerPort = port(arg, value);
                    case "--data-dir" -> o.dataDir = Path.of(value);
                    case "--host" -> o.host = value;
                    case "--topics" -> parseTopics(value, o.topics);
                    case "--prop" -> {
                        int kv = value.indexOf('=');
                        if (kv <= 0) {
                            throw new IllegalArgumentException("--prop wants key=value, got " + value);
                        }
                        o.props.put(value.substring(0, kv), value.substring(kv + 1));
                    }
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (o.port != 0 && o.port == o.controllerPort) {
                throw new IllegalArgumentException("--port and --controller-port must differ");
            }
            return o;
        }

        static void parseTopics(String spec, Map<String, Integer> into) {
            for (String part : spec.split(",")) {
                String t = part.trim();
                if (t.isEmpty()) {
                    continue;
                }
                int colon = t.lastIndexOf(':');
                String name = colon < 0 ? t : t.substring(0, colon).trim();
                int partitions = 1;
                if (colon >= 0) {
                    try {
                        partitions = Integer.parseInt(t.substring(colon + 1).trim());
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("bad partition count in --topics entry " + t);
                    }
                }
                if (name.isEmpty() || partitions < 1) {
                    throw new IllegalArgumentException("bad --topics entry " + t + " (want name:partitions)");
                }
                into.put(name, partitions);
            }
        }

        private static int port(String name, String value) {
            try {
                int p = Integer.parseInt(value.trim());
                if (p < 0 || p > 65535) {
                    throw new NumberFormatException();
                }
                return p;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " wants a port 0..65535, got " + value);
            }
        }
    }
}
