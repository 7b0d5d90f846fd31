package reluflow.cli;

import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reluflow.avro.DeadLetter;
import reluflow.avro.FrameDetections;
import reluflow.avro.SparsityReport;
import reluflow.job.ReluflowJob;
import reluflow.job.config.InvalidConfigException;
import reluflow.job.config.JobConfig;
import reluflow.job.files.FilePipelineIO;
import reluflow.job.files.PartFiles;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "The same job over recorded files instead of Kafka: Flink batch execution on a local MiniCluster, the same "
                + "operators, outputs as Avro container files (detections.avro, sparsity.avro, dead-letters.avro) in the output "
                + "directory, and JSON lines too with --format jsonl. Sparsity windows are by event time, as in the streaming job.")
final class RunCommand implements Callable<Integer> {
    enum Format { AVRO, JSONL }

    @Option(names = "--input", required = true, description = "Avro container file of Frames, or a directory of *.avro files.")
    Path input;

    @Option(names = "--output", required = true, description = "Output directory.")
    Path output;

    @Option(names = "--model", required = true, description = "ONNX model file.")
    Path model;

    @Option(names = "--format", defaultValue = "avro", description = "avro, or jsonl for JSON lines beside the Avro files (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--parallelism", defaultValue = "2", description = "Parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--set", description = "A job setting, key=value (see 'job options'), e.g. --set sparsity.window=\"5 s\". Repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<String> inputs = inputs();
        Files.createDirectories(output);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("model.path", model.toAbsolutePath().toString());
        settings.put("delivery.guarantee", "AT_LEAST_ONCE");
        settings.put("checkpoint.interval", "0 s");
        settings.put("parallelism", Integer.toString(parallelism));
        settings.putAll(engine.toJobSettings());
        settings.putAll(overrides);
        JobConfig config;
        try {
            config = JobConfig.of(settings);
        } catch (InvalidConfigException e) {
            throw new UserError(e.getMessage());
        }
        Configuration flink = new Configuration();
        flink.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);
        long start = System.nanoTime();
        ReluflowJob.start(env, config, new FilePipelineIO(inputs, output.toAbsolutePath().toString())).getJobExecutionResult().get();
        double seconds = (System.nanoTime() - start) / 1e9;

        List<FrameDetections> detections = PartFiles.merge(output, FilePipelineIO.DETECTIONS, FrameDetections.class,
                Comparator.comparing(FrameDetections::getSensorId).thenComparing(FrameDetections::getFrameId));
        List<SparsityReport> reports = PartFiles.merge(output, FilePipelineIO.SPARSITY, SparsityReport.class,
                Comparator.comparing(SparsityReport::getLayer).thenComparing(r -> r.getSensorId() == null ? "" : r.getSensorId())
                        .thenComparing(SparsityReport::getWindowStart));
        List<DeadLetter> deadLetters = PartFiles.merge(output, FilePipelineIO.DEAD_LETTERS, DeadLetter.class,
                Comparator.comparing(DeadLetter::getSourceTopic).thenComparing(DeadLetter::getOffset));
        if (format == Format.JSONL) {
            writeJsonLines(FilePipelineIO.DETECTIONS, detections);
            writeJsonLines(FilePipelineIO.SPARSITY, reports);
            writeJsonLines(FilePipelineIO.DEAD_LETTERS, deadLetters);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Ran %d file(s) in %.1f s (batch execution, parallelism %d)%n", inputs.size(), seconds, parallelism);
        out.printf("Frames in        %d%n", detections.size() + deadLetters.size());
        out.printf("Detections       %d -> %s%n", detections.size(), output.resolve(FilePipelineIO.DETECTIONS + ".avro"));
        out.printf("Dead letters     %d -> %s%n", deadLetters.size(), output.resolve(FilePipelineIO.DEAD_LETTERS + ".avro"));
        out.printf("Sparsity reports %d -> %s%n", reports.size(), output.resolve(FilePipelineIO.SPARSITY + ".avro"));
        return 0;
    }

    private List<String> inputs() throws java.io.IOException {
        if (Files.isRegularFile(input)) {
            return List.of(input.toAbsolutePath().toString());
        }
        if (!Files.isDirectory(input)) {
            throw new UserError("Input " + input + " does not exist");
        }
        List<String> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(input)) {
            list.filter(p -> p.toString().endsWith(".avro")).sorted().forEach(p -> files.add(p.toAbsolutePath().toString()));
        }
        if (files.isEmpty()) {
            throw new UserError("Input directory " + input + " holds no .avro files");
        }
        return files;
    }

    private void writeJsonLines(String name, List<? extends SpecificRecordBase> records) throws java.io.IOException {
        try (BufferedWriter writer = Files.newBufferedWriter(output.resolve(name + ".jsonl"), StandardCharsets.UTF_8)) {
            for (SpecificRecordBase record : records) {
                writer.write(GenericData.get().toString(record));
                writer.newLine();
            }
        }
    }
}
