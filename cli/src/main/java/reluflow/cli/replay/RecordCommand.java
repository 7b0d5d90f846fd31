package reluflow.cli.replay;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reluflow.cli.UserError;

@Command(name = "record", mixinStandardHelpOptions = true,
        description = {"Record a topic to an Avro object container file (readable by Avro's own tools): values are decoded "
                + "as the given record type; values that do not decode are counted and listed, not written.",
                "Reads read_committed from assigned partitions (no consumer group, nothing committed). Stops at --max, "
                        + "at --until (by record timestamp), or when caught up with the end offsets captured at start; "
                        + "Ctrl-C closes the file cleanly and keeps what was written."})
public final class RecordCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--topic", required = true, description = "Topic to record.")
    String topic;

    @Option(names = "--out", required = true, paramLabel = "FILE.avro", description = "Avro container file to write.")
    Path out;

    @Option(names = "--type", defaultValue = "frame", converter = RecordType.Converter.class,
            description = "Record type of the values: frame, detections, sparsity or dead-letter (default: ${DEFAULT-VALUE}).")
    RecordType type;

    @Option(names = "--from", defaultValue = "earliest", converter = StartPosition.Converter.class, paramLabel = "earliest|latest|TIME",
            description = "Where to start: earliest, latest (only new records; implies --follow), or the first record at or after "
                    + "a time (ISO-8601 or epoch millis, by record timestamp) (default: ${DEFAULT-VALUE}).")
    StartPosition from;

    @Option(names = "--until", converter = TimeArg.class, paramLabel = "TIME",
            description = "Stop reading a partition at its first record whose timestamp is after this time (ISO-8601 or epoch millis).")
    Instant until;

    @Option(names = "--max", paramLabel = "N", description = "Stop after N records read (written plus undecodable).")
    Long max;

    @Option(names = "--follow", description = "Do not stop at the end offsets captured at start: keep recording new records "
            + "until --max, --until or Ctrl-C.")
    boolean follow;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (max != null && max < 1) {
            throw new UserError("--max must be >= 1, got " + max);
        }
        if (from.kind() == StartPosition.Kind.TIME && until != null && until.isBefore(from.time())) {
            throw new UserError("--until " + until + " is before --from " + from);
        }
        boolean following = follow || from.kind() == StartPosition.Kind.LATEST;
        Recorder.Settings settings = new Recorder.Settings(bootstrap, topic, out, type, from, until, max, following);
        // The summary is printed before the signal is closed: on Ctrl-C the JVM exits as soon as it is.
        try (ShutdownSignal shutdown = new ShutdownSignal("reluflow-record")) {
            Recorder.Result result = new Recorder(settings, spec.commandLine().getErr()).run(shutdown);
            printSummary(result);
        }
        return 0;
    }

    private void printSummary(Recorder.Result result) {
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("Recorded %d %s records from topic %s (%d partition%s, from %s) to %s%n", result.written(), type.optionName(),
                topic, result.partitions(), result.partitions() == 1 ? "" : "s", from, out);
        stdout.printf("Stopped: %s%n", result.reason().text);
        stdout.printf("Read %d records (%s of keys and values)%n", result.read(), Sizes.bytes(result.bytes()));
        if (result.undecodable() == 0) {
            stdout.println("Undecodable: 0");
        } else {
            stdout.printf("Undecodable: %d (counted, not written)%n", result.undecodable());
            for (Recorder.Undecodable u : result.listed()) {
                stdout.printf("  partition %d offset %d: %s%n", u.partition(), u.offset(), u.reason());
            }
            if (result.undecodable() > result.listed().size()) {
                stdout.printf("  ... and %d more%n", result.undecodable() - result.listed().size());
            }
        }
        stdout.flush();
    }
}
