package reluflow.cli.replay;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reluflow.cli.UserError;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Publish Frame container files to Kafka, keyed by sensor id (idempotent producer, acks=all), keeping each "
                + "sensor's order and, at --speed 1.0, the original spacing of event_time. A DeadLetter container file "
                + "(detected from its schema) re-publishes each original value with its original key: the fix-and-replay path.",
                "Each file (and each loop) starts right after the previous one; spacing is kept within a file. "
                        + "A send that still fails after the producer's retries is reported and counted: exit code 1."})
public final class ReplayCommand implements Callable<Integer> {
    @Option(names = "--in", paramLabel = "FILE.avro|DIR",
            description = "A Frame or DeadLetter container file, or a folder whose *.avro files are replayed in name order.")
    Path in;

    @Option(names = "--from-dead-letter-topic", paramLabel = "TOPIC",
            description = "Instead of --in: re-publish the original values of the dead letters in this topic (read_committed, "
                    + "up to its end when the command starts), e.g. after fixing the producer or the model.")
    String deadLetterTopic;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--topic", required = true, description = "Topic to publish to (it must exist).")
    String topic;

    @Option(names = "--speed", defaultValue = "1.0", converter = Speed.Converter.class, paramLabel = "1.0|N|max",
            description = "Replay N times faster than the recorded event-time spacing; max sends without waiting "
                    + "(default: ${DEFAULT-VALUE}). Dead letters have no event time and go at --rate.")
    Speed speed;

    @Option(names = "--rate", defaultValue = "0", paramLabel = "N", description = "At most N records per second (default: no cap).")
    double rate;

    @Option(names = "--loop", defaultValue = "1", paramLabel = "N", description = "Replay the input N times (default: ${DEFAULT-VALUE}).")
    int loops;

    @Option(names = "--rewrite-time", description = "Shift event times so that the first frame of each file (and loop) is now; "
            + "the spacing between frames is kept as recorded, whatever the speed.")
    boolean rewriteTime;

    @Option(names = "--send-timeout-ms", defaultValue = "120000", paramLabel = "MILLIS",
            description = "How long the producer keeps retrying a record before it counts as failed (default: ${DEFAULT-VALUE}).")
    long sendTimeoutMillis;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (loops < 1) {
            throw new UserError("--loop must be >= 1, got " + loops);
        }
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new UserError("--rate must be a number >= 0, got " + rate);
        }
        if (sendTimeoutMillis < 1000) {
            throw new UserError("--send-timeout-ms must be >= 1000, got " + sendTimeoutMillis);
        }
        if ((in == null) == (deadLetterTopic == null)) {
            throw new UserError("Give exactly one of --in FILE|DIR and --from-dead-letter-topic TOPIC");
        }
        Path input = in != null ? in : recordDeadLetters();
        List<ReplayInput.InputFile> files = ReplayInput.open(input);
        PrintWriter err = spec.commandLine().getErr();
        long deadLetterFiles = files.stream().filter(f -> f.kind() == ReplayInput.Kind.DEAD_LETTERS).count();
        if (deadLetterFiles > 0 && rewriteTime) {
            err.println("reluflow: --rewrite-time does not apply to dead letters: their original value bytes are sent unchanged");
        }
        TopicCheck.requireTopic(bootstrap, topic);
        // The summary is printed before the signal is closed: on Ctrl-C the JVM exits as soon as it is.
        try (ShutdownSignal shutdown = new ShutdownSignal("reluflow-replay")) {
            Replayer.Result result;
            try (ReplayProducer producer = new ReplayProducer(bootstrap, topic, sendTimeoutMillis)) {
                result = new Replayer(new Replayer.Settings(speed, rate, loops, rewriteTime), producer, err).run(files, shutdown);
            }
            return printSummary(result, files, deadLetterFiles);
        }
    }

    /** The dead-letter topic as `record` writes it: a container file the replay then reads like any other. */
    private Path recordDeadLetters() throws java.io.IOException {
        Path file = java.nio.file.Files.createTempFile("reluflow-dead-letters-", ".avro");
        file.toFile().deleteOnExit();
        int code = reluflow.cli.Main.commandLine().execute("record", "--bootstrap", bootstrap, "--topic", deadLetterTopic,
                "--type", "dead-letter", "--from", "earliest", "--out", file.toString());
        if (code != 0) {
            throw new UserError("Could not read the dead letters of topic " + deadLetterTopic + " (record exited " + code + ")");
        }
        return file;
    }

    private int printSummary(Replayer.Result result, List<ReplayInput.InputFile> files, long deadLetterFiles) {
        PrintWriter out = spec.commandLine().getOut();
        long perLoop = files.stream().mapToLong(ReplayInput.InputFile::records).sum();
        String what = deadLetterFiles == files.size() ? "dead-letter values" : deadLetterFiles == 0 ? "frames" : "records";
        out.printf("Replayed %d %s from %d file%s x %d loop%s to topic %s (speed %s%s%s)%n", result.sent(), what, files.size(),
                files.size() == 1 ? "" : "s", loops, loops == 1 ? "" : "s", topic, speed,
                rate > 0 ? ", rate cap " + rate + "/s" : "", rewriteTime ? ", event times rewritten" : "");
        out.printf("Sent %d of %d, delivered %d, failed %d%n", result.sent(), perLoop * loops, result.delivered(), result.failed());
        double seconds = result.nanos() / 1e9;
        out.printf("Took %.2f s, achieved %.1f records/s%n", seconds, Sizes.perSecond(result.delivered(), result.nanos()));
        if (result.failed() > 0) {
            out.printf("Failed sends (after the producer's retries): %d%n", result.failed());
            result.failures().forEach(f -> out.println("  " + f));
            if (result.failed() > result.failures().size()) {
                out.printf("  ... and %d more%n", result.failed() - result.failures().size());
            }
        }
        if (result.unreadable() > 0) {
            out.printf("Unreadable files (stopped part-way): %d%n", result.unreadable());
        }
        if (result.interrupted()) {
            out.println("Interrupted (Ctrl-C): the records sent before were flushed");
        }
        out.flush();
        return result.failed() > 0 || result.unreadable() > 0 ? 1 : 0;
    }
}
