package reluflow.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reluflow.avro.Frame;
import reluflow.engine.inference.InferenceEngine;
import reluflow.engine.io.AvroContainerFiles;

@Command(name = "infer", mixinStandardHelpOptions = true,
        description = "Run any ReLU ONNX model over a frames file: one JSON line per frame, bad frames listed with their reasons, "
                + "and a per-layer sparsity summary.")
final class InferCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "ONNX model file.")
    Path model;

    @Option(names = "--input", required = true, description = "Avro container file of Frame records.")
    Path input;

    @Option(names = "--output", required = true, description = "JSON lines file to write (FrameDetections fields).")
    Path output;

    @Option(names = "--batch", defaultValue = "32", description = "Frames per inference call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(input)) {
            throw new UserError("Frames file " + input + " does not exist");
        }
        if (batch < 1) {
            throw new UserError("--batch must be >= 1, got " + batch);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (InferenceEngine inference = InferenceEngine.open(engine.toConfig(model));
             JsonLines lines = new JsonLines(output);
             AvroContainerFiles.Reader<Frame> frames = AvroContainerFiles.reader(input, Frame.class)) {
            InferRun run = new InferRun(inference, batch, lines, spec.commandLine().getErr());
            frames.forEachRemaining(run::accept);
            run.finish();
            run.printSummary(out);
            out.printf("Wrote %d JSON lines to %s%n", run.records(), output);
        }
        return 0;
    }
}
