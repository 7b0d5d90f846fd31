package reluflow.cli.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import reluflow.cli.UserError;
import reluflow.kafka.KafkaBrokerMain;

/** A real Kafka broker (KRaft) as its own JVM, on this JVM's classpath: started, and ready when it says so. */
public final class KafkaProcess {
    public static final String DEFAULT_TOPICS = "frames:2,detections:2,sparsity:1,dead-letters:1";

    private KafkaProcess() {
    }

    /** Starts the broker and returns once it printed its ready line; the process keeps running. */
    public static Process start(int port, int controllerPort, Path dataDir, String topics, Path log, Duration timeout)
            throws IOException, InterruptedException {
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), KafkaBrokerMain.class.getName(),
                "--port", Integer.toString(port), "--controller-port", Integer.toString(controllerPort),
                "--data-dir", dataDir.toAbsolutePath().toString(), "--topics", topics);
        Files.createDirectories(log.toAbsolutePath().getParent());
        // The log is appended to across runs: only what this process writes counts.
        long from = Files.exists(log) ? Files.size(log) : 0;
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (bootstrap(log, from).isPresent()) {
                return process;
            }
            if (!process.isAlive()) {
                throw new UserError("Kafka did not start (exit code " + process.exitValue() + "); its log " + log + " says:\n"
                        + String.join("\n", Files.readAllLines(log).stream().skip(Math.max(0, Files.readAllLines(log).size() - 20)).toList()));
            }
            Thread.sleep(200);
        }
        process.destroy();
        throw new UserError("Kafka did not come up within " + timeout.toSeconds() + " s; see " + log);
    }

    /** The bootstrap address the broker last announced in its log. */
    public static Optional<String> bootstrap(Path log) throws IOException {
        return bootstrap(log, 0);
    }

    private static Optional<String> bootstrap(Path log, long from) throws IOException {
        if (!Files.exists(log)) {
            return Optional.empty();
        }
        byte[] all = Files.readAllBytes(log);
        String written = new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from), java.nio.charset.StandardCharsets.UTF_8);
        return written.lines()
                .filter(l -> l.startsWith(KafkaBrokerMain.READY_MARKER + " "))
                .reduce((first, last) -> last)
                .map(l -> l.substring(l.indexOf("bootstrap=") + "bootstrap=".length()).strip());
    }
}
