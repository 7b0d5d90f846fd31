package reluflow.job;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reluflow.avro.ModelIdentity;
import reluflow.engine.EngineException;
import reluflow.engine.inference.InferenceEngine;
import reluflow.job.config.ConfigLoader;
import reluflow.job.config.JobConfig;
import reluflow.job.inference.SharedEngines;

/**
 * The Flink job's entry point: `--config job.yaml` and/or `--key value` arguments. The model and
 * configuration are checked here, before anything is submitted, so a bad one fails at once with a
 * message that says what to fix.
 */
public final class ReluflowJob {
    private static final Logger LOG = LoggerFactory.getLogger(ReluflowJob.class);

    private ReluflowJob() {
    }

    public static void main(String[] args) throws Exception {
        JobConfig config = ConfigLoader.fromArgs(args);
        ModelIdentity model = checkModel(config);
        LOG.info("Starting ReluFlow with\n{}", config.describe());
        StreamExecutionEnvironment env = environment(config);
        ReluflowPipeline.build(env, config, model, new KafkaPipelineIO(config));
        JobExecutionResult result = env.execute(config.jobName());
        LOG.info("ReluFlow job finished: {}", result);
    }

    /** Builds the pipeline on the given environment and submits it without waiting for the end. */
    public static JobClient start(StreamExecutionEnvironment env, JobConfig config, PipelineIO io) throws Exception {
        ModelIdentity model = checkModel(config);
        configure(env, config);
        ReluflowPipeline.build(env, config, model, io);
        return env.executeAsync(config.jobName());
    }

    public static StreamExecutionEnvironment environment(JobConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config.flinkConfiguration());
        configure(env, config);
        return env;
    }

    static void configure(StreamExecutionEnvironment env, JobConfig config) {
        if (!config.checkpointInterval().isZero()) {
            env.enableCheckpointing(config.checkpointInterval().toMillis());
        }
        if (config.parallelism() != null) {
            env.setParallelism(config.parallelism());
        }
        // Safe: every operator makes new objects per record and none keeps an input it did not create.
        env.getConfig().enableObjectReuse();
        // Every record type has a serializer of its own (Avro specific records, POJOs): a type that would fall
        // back to Kryo (slower, and savepoints break when the class changes) fails the job at start-up instead.
        Configuration pipeline = new Configuration();
        pipeline.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(pipeline);
    }

    /** Opens the model once, as a TaskManager will, and returns its identity; fails on a bad model or option. */
    public static ModelIdentity checkModel(JobConfig config) throws EngineException {
        try (InferenceEngine engine = SharedEngines.open(config)) {
            return engine.identity();
        }
    }
}
