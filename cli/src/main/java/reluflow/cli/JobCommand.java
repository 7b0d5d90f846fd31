package reluflow.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.ConfigOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import reluflow.job.ReluflowJob;
import reluflow.job.config.ReluflowOptions;

@Command(name = "job", mixinStandardHelpOptions = true, description = "The ReluFlow Flink job: its options, and running it locally.",
        subcommands = {JobCommand.Options.class, JobCommand.Run.class})
public final class JobCommand {

    @Command(name = "options", mixinStandardHelpOptions = true, description = "List every job option with its default and meaning.")
    static final class Options implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            for (ConfigOption<?> option : ReluflowOptions.all()) {
                out.printf("%s%n    default: %s%n    %s%n", option.key(), option.hasDefaultValue() ? option.defaultValue() : "(none)",
                        ReluflowOptions.describe(option));
            }
            out.printf("%s*%n    Kafka client properties passed through (security.protocol, sasl.*, ssl.*...); secrets are masked in logs.%n",
                    ReluflowOptions.KAFKA_PROPERTIES_PREFIX);
            out.printf("flink.*%n    Flink settings for the job's environment (e.g. flink.restart-strategy.type).%n");
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run the job on a local Flink MiniCluster against any Kafka: --config job.yaml and/or --key value options "
                    + "(see 'job options'). To submit to a Flink cluster, use the job jar's main class reluflow.job.ReluflowJob.")
    static final class Run implements Callable<Integer> {
        @Unmatched
        List<String> settings = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            try {
                ReluflowJob.main(settings.toArray(String[]::new));
            } catch (reluflow.job.config.InvalidConfigException e) {
                throw new UserError(e.getMessage());
            }
            return 0;
        }
    }
}
