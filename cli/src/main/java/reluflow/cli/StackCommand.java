package reluflow.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reluflow.cli.stack.LocalStack;
import reluflow.cli.stack.StackSettings;

@Command(name = "stack", mixinStandardHelpOptions = true,
        description = "A real local stack without Docker: a Kafka broker (KRaft) and a Flink session cluster (JobManager with web UI, "
                + "TaskManagers), each its own JVM, configured by deploy/flink/config.yaml.",
        subcommands = {StackCommand.Up.class, StackCommand.Status.class, StackCommand.Down.class})
public final class StackCommand {

    static final class Where {
        @Option(names = "--run-dir", description = "Config, logs, pids, checkpoints, savepoints (default: .run/stack).")
        Path runDir;

        @Option(names = "--rest-port", defaultValue = "8081", description = "Flink REST API and web UI (default: ${DEFAULT-VALUE}).")
        int restPort;

        @Option(names = "--rpc-port", defaultValue = "6123", description = "JobManager RPC (default: ${DEFAULT-VALUE}).")
        int rpcPort;

        @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka broker (default: ${DEFAULT-VALUE}).")
        int kafkaPort;

        @Option(names = "--kafka-controller-port", defaultValue = "9093", description = "Kafka KRaft controller (default: ${DEFAULT-VALUE}).")
        int kafkaControllerPort;

        StackSettings settings(int taskManagers, int slots) {
            StackSettings defaults = StackSettings.defaults(ProjectRoot.get());
            return new StackSettings(defaults.projectRoot(), runDir != null ? runDir.toAbsolutePath() : defaults.runDir(), taskManagers, slots,
                    restPort, rpcPort, kafkaPort, kafkaControllerPort);
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true, description = "Start what is not running yet (idempotent).")
    static final class Up implements Callable<Integer> {
        @Option(names = "--taskmanagers", defaultValue = "1", description = "TaskManager processes (default: ${DEFAULT-VALUE}).")
        int taskManagers;

        @Option(names = "--slots", defaultValue = "2", description = "Slots per TaskManager (default: ${DEFAULT-VALUE}).")
        int slots;

        @Mixin
        Where where;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            LocalStack stack = new LocalStack(where.settings(taskManagers, slots), out);
            stack.up();
            out.println("Up. Submit the job with: ./reluflow submit --config deploy/job.yaml");
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show what runs and its addresses.")
    static final class Status implements Callable<Integer> {
        @Mixin
        Where where;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            new LocalStack(where.settings(0, 0), spec.commandLine().getOut()).status()
                    .forEach((part, state) -> spec.commandLine().getOut().printf("%-13s %s%n", part, state));
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop everything 'stack up' started.")
    static final class Down implements Callable<Integer> {
        @Mixin
        Where where;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            new LocalStack(where.settings(0, 0), spec.commandLine().getOut()).down();
            return 0;
        }
    }
}
