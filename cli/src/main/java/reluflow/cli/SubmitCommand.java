package reluflow.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reluflow.cli.stack.FlinkRest;
import reluflow.job.ReluflowJob;
import reluflow.job.config.ConfigLoader;
import reluflow.job.config.InvalidConfigException;
import reluflow.job.config.JobConfig;
import reluflow.job.config.ModelLocation;

@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Submit the ReluFlow job jar to any Flink 2.2 cluster through its REST API; prints the job id and web UI link. "
                + "Settings travel as program arguments, so the cluster needs no copy of the config file.")
final class SubmitCommand implements Callable<Integer> {
    @Option(names = "--jobmanager", defaultValue = "127.0.0.1:8081", description = "JobManager REST address (default: ${DEFAULT-VALUE}).")
    String jobManager;

    @Option(names = "--config", description = "Job settings file (YAML), e.g. deploy/job.yaml.")
    Path config;

    @Option(names = "--set", description = "A job setting, key=value; wins over --config. Repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--parallelism", description = "Job parallelism (default: the job's setting, else the cluster's).")
    Integer parallelism;

    @Option(names = "--from-savepoint", description = "Restore from this savepoint or retained checkpoint (a chk-N folder, "
            + "e.g. what 'job last-checkpoint' prints); a local path is made absolute.")
    String savepoint;

    @Option(names = "--jar", description = "Job jar (default: job/target/reluflow-job.jar).")
    Path jar;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        if (config != null) {
            settings.putAll(ConfigLoader.readYaml(config));
        }
        settings.putAll(overrides);
        String model = settings.get("model.path");
        if (model != null && ModelLocation.isLocal(model) && !model.startsWith("file:")) {
            // The job's main runs on the JobManager, whose working directory is not ours.
            settings.put("model.path", Path.of(model).toAbsolutePath().normalize().toString());
        }
        try {
            JobConfig.of(settings);
        } catch (InvalidConfigException e) {
            throw new UserError(e.getMessage());
        }
        if (savepoint != null && ModelLocation.isLocal(savepoint) && !savepoint.startsWith("file:")) {
            // The JobManager restores it, and its working directory is not ours.
            savepoint = Path.of(savepoint).toAbsolutePath().normalize().toString();
        }
        Path jobJar = jar != null ? jar : ProjectRoot.jobJar();
        if (!Files.isRegularFile(jobJar)) {
            throw new UserError("Job jar " + jobJar + " does not exist: build it with 'mvn -B -DskipTests package -pl job -am'");
        }
        List<String> args = new ArrayList<>();
        settings.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        FlinkRest rest = new FlinkRest(jobManager);
        String jarId = rest.uploadJar(jobJar);
        String jobId = rest.runJar(jarId, ReluflowJob.class.getName(), args, parallelism, savepoint);
        spec.commandLine().getOut().printf("Submitted job %s%nWeb UI: %s/#/job/running/%s/overview%n", jobId, rest.base(), jobId);
        return 0;
    }
}
