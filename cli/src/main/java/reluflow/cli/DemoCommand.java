package reluflow.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reluflow.avro.ErrorKind;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.DemoModels;
import reluflow.job.KafkaPipelineIO;
import reluflow.job.ReluflowJob;
import reluflow.job.config.JobConfig;
import reluflow.kafka.KafkaBroker;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "The whole product on this machine: a real Kafka broker (KRaft, in-process), the ReluFlow job on a Flink "
                + "MiniCluster, demo frames produced to Kafka (a few corrupt on purpose), and a summary of what came out: "
                + "detections, accuracy, per-layer sparsity, dead letters by kind, throughput and latency.")
final class DemoCommand implements Callable<Integer> {
    private static final String FRAMES_TOPIC = "frames";
    private static final String DETECTIONS_TOPIC = "detections";
    private static final String SPARSITY_TOPIC = "sparsity";
    private static final String DEAD_LETTER_TOPIC = "dead-letters";

    @Option(names = "--kind", defaultValue = "mlp", description = "Demo model and frames: mlp or cnn (default: ${DEFAULT-VALUE}).")
    DemoModelKind kind;

    @Option(names = "--frames", defaultValue = "5000", description = "Frames to send (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--model", description = "Run this model instead of the demo model (the demo frames must fit its input).")
    Path model;

    @Option(names = "--rate", defaultValue = "1000",
            description = "Frames sent per second, 0 for as fast as possible (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--batch", defaultValue = "128", description = "batch.max-size (default: ${DEFAULT-VALUE}, the job's).")
    int batch;

    @Option(names = "--checkpoint-interval", defaultValue = "1 s",
            description = "Checkpoint interval; exactly-once results become visible at this pace (default: ${DEFAULT-VALUE}).")
    String checkpointInterval;

    @Option(names = "--timeout", defaultValue = "180", description = "Seconds to wait for all results (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--keep-running", description = "Stay up after the summary: prints the broker address and topics to feed. Ctrl-C stops.")
    boolean keepRunning;

    @Option(names = "--work-dir", defaultValue = ".run/demo", description = "Model, checkpoints and savepoints go here (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Files.createDirectories(workDir);
        Path modelFile = model != null ? model : workDir.resolve(kind.name().toLowerCase() + ".onnx");
        if (model == null && !Files.exists(modelFile)) {
            DemoModels.write(kind, modelFile);
            out.println("Made the demo " + kind.name().toLowerCase() + " model: " + modelFile);
        }
        out.println("Starting a Kafka broker (KRaft, in-process)...");
        out.flush();
        try (KafkaBroker broker = KafkaBroker.start(KafkaBroker.Settings.defaults())) {
            broker.createTopics(Map.of(FRAMES_TOPIC, 2, DETECTIONS_TOPIC, 2, SPARSITY_TOPIC, 1, DEAD_LETTER_TOPIC, 1));
            JobConfig config = JobConfig.of(jobSettings(broker.bootstrapServers(), modelFile));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, new Configuration());
            JobClient job = ReluflowJob.start(env, config, new KafkaPipelineIO(config));
            out.printf("Kafka at %s; ReluFlow job %s running on a Flink MiniCluster, parallelism %d%n",
                    broker.bootstrapServers(), job.getJobID(), parallelism);
            out.flush();

            awaitRunning(job);
            DemoTraffic traffic = new DemoTraffic(kind, frames, rate);
            try (OutputCollector results = new OutputCollector(broker.bootstrapServers(), DETECTIONS_TOPIC, SPARSITY_TOPIC,
                    DEAD_LETTER_TOPIC, traffic)) {
                long sendStart = System.currentTimeMillis();
                // Results are read while frames are sent, so latency is the pipeline's, not the demo's.
                CompletableFuture<Long> sending = CompletableFuture.supplyAsync(() -> {
                    traffic.send(broker.bootstrapServers(), FRAMES_TOPIC, new ProgressBar(err, "Frames sent / results in", frames));
                    return System.currentTimeMillis();
                });
                ProgressBar received = new ProgressBar(err, "Results in", frames);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
                while (results.accountedFor() < frames && System.nanoTime() < deadline) {
                    results.poll(Duration.ofMillis(100));
                    if (sending.isDone()) {
                        received.update(results.accountedFor());
                    }
                }
                long sendEnd = sending.get();
                if (keepRunning) {
                    new DemoSummary(out, frames, kind, parallelism, sendStart, sendEnd).print(results, expectedDeadLetters());
                    return stayUp(out, broker, job);
                }
                // Stop with drain: event time advances to the end, so the last sparsity windows close and commit.
                job.stopWithSavepoint(true, workDir.resolve("savepoints").toAbsolutePath().toUri().toString(), SavepointFormatType.DEFAULT)
                        .get(60, TimeUnit.SECONDS);
                long quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (System.nanoTime() < quietUntil) {
                    results.poll(Duration.ofMillis(200));
                }
                boolean complete = new DemoSummary(out, frames, kind, parallelism, sendStart, sendEnd).print(results, expectedDeadLetters());
                return complete ? 0 : 1;
            }
        }
    }

    /** Frames sent before the job's tasks run would measure start-up, not the pipeline. */
    private static void awaitRunning(JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (job.getJobStatus().get() != org.apache.flink.api.common.JobStatus.RUNNING) {
            if (System.nanoTime() > deadline || job.getJobStatus().get().isTerminalState()) {
                throw new UserError("The ReluFlow job did not start: status " + job.getJobStatus().get());
            }
            Thread.sleep(100);
        }
    }

    private Map<ErrorKind, Long> expectedDeadLetters() {
        Map<ErrorKind, Long> expected = new EnumMap<>(ErrorKind.class);
        for (long i = 0; i < frames; i++) {
            ErrorKind kind = DemoTraffic.expectedError(i);
            if (kind != null) {
                expected.merge(kind, 1L, Long::sum);
            }
        }
        return expected;
    }

    private Map<String, String> jobSettings(String bootstrap, Path modelFile) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("kafka.bootstrap-servers", bootstrap);
        settings.put("kafka.frames-topic", FRAMES_TOPIC);
        settings.put("kafka.detections-topic", DETECTIONS_TOPIC);
        settings.put("kafka.sparsity-topic", SPARSITY_TOPIC);
        settings.put("kafka.dead-letter-topic", DEAD_LETTER_TOPIC);
        settings.put("kafka.starting-offsets", "EARLIEST");
        settings.put("kafka.transactional-id-prefix", "reluflow-demo-" + Long.toHexString(System.nanoTime()));
        settings.put("model.path", modelFile.toAbsolutePath().toString());
        settings.put("batch.max-size", Integer.toString(batch));
        settings.put("checkpoint.interval", checkpointInterval);
        settings.put("sparsity.window", "2 s");
        settings.put("watermark.out-of-orderness", "500 ms");
        settings.put("parallelism", Integer.toString(parallelism));
        settings.putAll(engine.toJobSettings());
        return settings;
    }

    private static int stayUp(PrintWriter out, KafkaBroker broker, JobClient job) throws InterruptedException {
        out.printf("%nStill running. Feed it Avro single-object Frame records:%n");
        out.printf("  bootstrap servers  %s%n", broker.bootstrapServers());
        out.printf("  topics             %s (in), %s, %s, %s (out; read with isolation.level=read_committed)%n",
                FRAMES_TOPIC, DETECTIONS_TOPIC, SPARSITY_TOPIC, DEAD_LETTER_TOPIC);
        out.println("Ctrl-C stops the job and the broker.");
        out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            job.cancel();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }
}
