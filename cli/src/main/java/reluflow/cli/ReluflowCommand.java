package reluflow.cli;

import picocli.CommandLine.Command;
import reluflow.cli.replay.CompareCommand;
import reluflow.cli.replay.RecordCommand;
import reluflow.cli.replay.ReplayCommand;

@Command(name = "reluflow",
        mixinStandardHelpOptions = true,
        versionProvider = ReluflowCommand.Version.class,
        description = "Stream inference of ReLU networks with ONNX Runtime, with activation-sparsity reports.",
        subcommands = {
                DemoCommand.class,
                ModelCommand.class,
                FramesCommand.class,
                InferCommand.class,
                RunCommand.class,
                reluflow.cli.bench.BenchCommand.class,
                reluflow.cli.soak.SoakCommand.class,
                JobCommand.class,
                KafkaCommand.class,
                RecordCommand.class,
                ReplayCommand.class,
                CompareCommand.class,
                StackCommand.class,
                SubmitCommand.class,
                picocli.CommandLine.HelpCommand.class
        })
public final class ReluflowCommand {

    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ReluflowCommand.class.getPackage().getImplementationVersion();
            return new String[] {"reluflow " + (version == null ? "development build" : version)};
        }
    }
}
