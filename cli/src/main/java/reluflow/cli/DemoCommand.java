package reluflow.cli;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reluflow.avro.Frame;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.DemoModels;
import reluflow.engine.demo.SyntheticFrames;
import reluflow.engine.inference.InferenceEngine;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Make a demo model and synthetic frames (a few corrupt on purpose), run them through the engine, "
                + "and print what came out: detections, accuracy, per-layer sparsity, rejected frames, throughput.")
final class DemoCommand implements Callable<Integer> {
    /** One frame in this many is made bad on purpose, so the summary shows rejections working. */
    private static final int BAD_FRAME_EVERY = 500;

    @Option(names = "--kind", defaultValue = "mlp", description = "mlp or cnn (default: ${DEFAULT-VALUE}).")
    DemoModelKind kind;

    @Option(names = "--frames", defaultValue = "5000", description = "Frames to run (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--model", description = "Model to run instead of the demo model (frames must fit its input).")
    Path model;

    @Option(names = "--batch", defaultValue = "32", description = "Frames per inference call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--work-dir", defaultValue = ".run/demo", description = "Where the model and outputs go (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Mixin
    EngineOptions engine;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Files.createDirectories(workDir);
        Path modelFile = model;
        if (modelFile == null) {
            modelFile = workDir.resolve(kind.name().toLowerCase() + ".onnx");
            if (!Files.exists(modelFile)) {
                DemoModels.write(kind, modelFile);
                out.println("Made demo model " + modelFile);
            }
        }
        Path output = workDir.resolve("detections.jsonl");
        out.printf("Running %d %s frames through %s (engine only, batch %d)%n", frames, kind.name().toLowerCase(), modelFile, batch);
        try (InferenceEngine inference = InferenceEngine.open(engine.toConfig(modelFile));
             JsonLines lines = new JsonLines(output)) {
            InferRun run = new InferRun(inference, batch, lines, spec.commandLine().getErr());
            Iterator<Frame> source = SyntheticFrames.iterator(kind, frames, 7L, 4, System.currentTimeMillis(), 10L);
            long index = 0;
            while (source.hasNext()) {
                Frame frame = source.next();
                run.accept(++index % BAD_FRAME_EVERY == 0 ? spoil(frame, index / BAD_FRAME_EVERY) : frame);
            }
            run.finish();
            out.println();
            run.printSummary(out);
            out.println("Detections written to " + output);
        }
        return 0;
    }

    /** Cycles through the ways producers get frames wrong: a wrong shape, a NaN, truncated data. */
    private static Frame spoil(Frame frame, long n) {
        Frame bad = Frame.newBuilder(frame).build();
        switch ((int) (n % 3)) {
            case 0 -> bad.setShape(List.of(frame.getShape().get(0) + 1));
            case 1 -> {
                ByteBuffer data = ByteBuffer.allocate(4 * 64).order(ByteOrder.LITTLE_ENDIAN);
                data.putFloat(0, Float.NaN);
                bad.setShape(List.of(64));
                bad.setDtype(reluflow.avro.TensorType.FLOAT32);
                bad.setData(data);
            }
            default -> {
                ByteBuffer data = frame.getData().duplicate();
                data.limit(data.limit() - 1);
                bad.setData(data.slice());
            }
        }
        return bad;
    }
}
