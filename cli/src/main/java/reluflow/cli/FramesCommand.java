package reluflow.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reluflow.avro.Frame;
import reluflow.cli.replay.ImportFramesCommand;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.SyntheticFrames;
import reluflow.engine.io.AvroContainerFiles;

@Command(name = "frames", mixinStandardHelpOptions = true, description = "Make and import frame files.",
        subcommands = {FramesCommand.Make.class, ImportFramesCommand.class})
public final class FramesCommand {

    @Command(name = "make", mixinStandardHelpOptions = true,
            description = "Write synthetic frames for a demo model (an Avro container file of Frame records, ground truth in attributes).")
    static final class Make implements Callable<Integer> {
        @Option(names = "--kind", required = true, description = "mlp or cnn")
        DemoModelKind kind;

        @Option(names = "--count", defaultValue = "1000", description = "Number of frames (default: ${DEFAULT-VALUE}).")
        long count;

        @Option(names = "--out", required = true, description = "Output .avro file.")
        Path out;

        @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--sensors", defaultValue = "4", description = "Number of sensors, sensor-0.. (default: ${DEFAULT-VALUE}).")
        int sensors;

        @Option(names = "--start-millis", description = "event_time of the first frame (default: now).")
        Long startMillis;

        @Option(names = "--spacing-millis", defaultValue = "10", description = "event_time step between frames (default: ${DEFAULT-VALUE}).")
        long spacingMillis;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            long start = startMillis != null ? startMillis : System.currentTimeMillis();
            long written = AvroContainerFiles.write(out, Frame.class,
                    SyntheticFrames.iterator(kind, count, seed, sensors, start, spacingMillis));
            spec.commandLine().getOut().printf("Wrote %d %s frames to %s%n", written, kind.name().toLowerCase(), out);
            return 0;
        }
    }
}
