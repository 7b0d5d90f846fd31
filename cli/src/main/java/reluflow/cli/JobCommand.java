package reluflow.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.ConfigOption;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import reluflow.cli.stack.FlinkRest;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import reluflow.job.ReluflowJob;
import reluflow.job.config.ReluflowOptions;

@Command(name = "job", mixinStandardHelpOptions = true, description = "The ReluFlow Flink job: its options, and running it locally.",
        subcommands = {JobCommand.Options.class, JobCommand.Run.class, JobCommand.ListJobs.class, JobCommand.Cancel.class,
                JobCommand.Savepoint.class, JobCommand.Stop.class, JobCommand.LastCheckpoint.class})
public final class JobCommand {

    static final class Cluster {
        @Option(names = "--jobmanager", defaultValue = "127.0.0.1:8081", description = "JobManager REST address (default: ${DEFAULT-VALUE}).")
        String jobManager;

        FlinkRest rest() {
            return new FlinkRest(jobManager);
        }

        /** Triggers a savepoint (POST /jobs/:id/savepoints or /stop) and waits for it; returns its location. */
        String savepoint(String jobId, String operation, Map<String, Object> body) throws java.io.IOException, InterruptedException {
            String trigger = rest().post("/jobs/" + jobId + "/" + operation, body).path("request-id").asText();
            return rest().awaitOperation("/jobs/" + jobId + "/savepoints/" + trigger, Duration.ofMinutes(5));
        }

        /** The directory asked for, else the cluster's own savepoint directory (the REST API does not fall back to it). */
        String savepointDir(String requested) throws java.io.IOException {
            if (requested != null) {
                return requested;
            }
            for (JsonNode entry : rest().get("/jobmanager/config")) {
                if (entry.path("key").asText().equals("execution.checkpointing.savepoint-dir")) {
                    return entry.path("value").asText();
                }
            }
            throw new UserError("The cluster sets no execution.checkpointing.savepoint-dir: give one with --dir");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the cluster's jobs.")
    static final class ListJobs implements Callable<Integer> {
        @Mixin
        Cluster cluster;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-32s  %-10s  %s%n", "job id", "state", "name");
            for (JsonNode job : cluster.rest().get("/jobs/overview").path("jobs")) {
                out.printf("%-32s  %-10s  %s%n", job.path("jid").asText(), job.path("state").asText(), job.path("name").asText());
            }
            return 0;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a job (no savepoint).")
    static final class Cancel implements Callable<Integer> {
        @Parameters(paramLabel = "JOB_ID")
        String jobId;

        @Mixin
        Cluster cluster;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            cluster.rest().patch("/jobs/" + jobId + "?mode=cancel");
            spec.commandLine().getOut().println("Cancelling " + jobId);
            return 0;
        }
    }

    @Command(name = "savepoint", mixinStandardHelpOptions = true, description = "Take a savepoint of a running job; prints its path.")
    static final class Savepoint implements Callable<Integer> {
        @Parameters(paramLabel = "JOB_ID")
        String jobId;

        @Option(names = "--dir", description = "Target directory (default: the cluster's execution.checkpointing.savepoint-dir).")
        String dir;

        @Mixin
        Cluster cluster;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("target-directory", cluster.savepointDir(dir));
            body.put("cancel-job", false);
            String location = cluster.savepoint(jobId, "savepoints", body);
            spec.commandLine().getOut().println("Savepoint " + location);
            return 0;
        }
    }

    @Command(name = "last-checkpoint", mixinStandardHelpOptions = true,
            description = "Print the path of a job's latest completed checkpoint, also after a cancel or failure (checkpoints are "
                    + "retained on cancellation): resume from it with submit --from-savepoint PATH. With --dir it reads the "
                    + "checkpoint folder on disk instead of asking the JobManager, for when the JobManager that ran the job is gone.")
    static final class LastCheckpoint implements Callable<Integer> {
        @Parameters(paramLabel = "JOB_ID", arity = "0..1", description = "The job; optional with --dir.")
        String jobId;

        @Option(names = "--dir", description = "A job's checkpoint folder (e.g. .run/stack/checkpoints/JOB_ID), or the cluster's "
                + "execution.checkpointing.dir together with JOB_ID: prints its latest chk-N that has a _metadata file.")
        Path dir;

        @Mixin
        Cluster cluster;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (dir != null) {
                Path jobDir = jobId != null && Files.isDirectory(dir.resolve(jobId)) ? dir.resolve(jobId) : dir;
                spec.commandLine().getOut().println(latestOnDisk(jobDir).toAbsolutePath().normalize());
                return 0;
            }
            if (jobId == null) {
                throw new UserError("Give a JOB_ID (asks the JobManager) or --dir (reads the checkpoint folder)");
            }
            JsonNode completed = cluster.rest().get("/jobs/" + jobId + "/checkpoints").path("latest").path("completed");
            if (completed.isMissingNode() || completed.isNull()) {
                throw new UserError("Job " + jobId + " has no completed checkpoint");
            }
            spec.commandLine().getOut().println(completed.path("external_path").asText());
            return 0;
        }

        /**
         * The highest chk-N with a _metadata file: Flink writes _metadata last, so a folder without it is a checkpoint
         * that was in progress (or being subsumed) when the job or its JobManager died.
         */
        static Path latestOnDisk(Path jobDir) throws java.io.IOException {
            if (!Files.isDirectory(jobDir)) {
                throw new UserError("No checkpoint folder " + jobDir);
            }
            Pattern name = Pattern.compile("chk-(\\d+)");
            try (Stream<Path> children = Files.list(jobDir)) {
                return children.filter(p -> name.matcher(p.getFileName().toString()).matches())
                        .filter(p -> Files.isRegularFile(p.resolve("_metadata")))
                        .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring("chk-".length()))))
                        .orElseThrow(() -> new UserError("No completed checkpoint (chk-N with a _metadata file) in " + jobDir));
            }
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop a job with a savepoint (resume it with submit --from-savepoint); prints the savepoint path.")
    static final class Stop implements Callable<Integer> {
        @Parameters(paramLabel = "JOB_ID")
        String jobId;

        @Option(names = "--dir", description = "Target directory (default: the cluster's execution.checkpointing.savepoint-dir).")
        String dir;

        @Option(names = "--drain", description = "Advance event time to the end first, closing every open window (for a final stop).")
        boolean drain;

        @Mixin
        Cluster cluster;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("targetDirectory", cluster.savepointDir(dir));
            body.put("drain", drain);
            String location = cluster.savepoint(jobId, "stop", body);
            spec.commandLine().getOut().println("Stopped " + jobId + " with savepoint " + location);
            return 0;
        }
    }

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
