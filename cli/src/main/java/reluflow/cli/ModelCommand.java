package reluflow.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.DemoModels;
import reluflow.engine.inference.InferenceEngine;
import reluflow.engine.inference.ModelDescription;
import reluflow.engine.model.TensorSpec;

@Command(name = "model", mixinStandardHelpOptions = true, description = "Make the demo models, inspect any ONNX model.",
        subcommands = {ModelCommand.Make.class, ModelCommand.Inspect.class})
public final class ModelCommand {

    @Command(name = "make", mixinStandardHelpOptions = true,
            description = "Write a demo ReLU network: mlp (classifies 64-feature sensor frames) or cnn (finds and boxes squares in 1x32x32 images).")
    static final class Make implements Callable<Integer> {
        @Option(names = "--kind", required = true, description = "${COMPLETION-CANDIDATES}")
        DemoModelKind kind;

        @Option(names = "--out", required = true, description = "Output .onnx file.")
        Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            DemoModels.write(kind, out);
            spec.commandLine().getOut().println("Wrote " + kind.name().toLowerCase() + " model to " + out);
            return 0;
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Show a model's inputs, outputs, ReLU layers with their units, and how its outputs are decoded.")
    static final class Inspect implements Callable<Integer> {
        @Parameters(paramLabel = "FILE.onnx", description = "Any ONNX model file.")
        Path model;

        @Mixin
        EngineOptions engine;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (InferenceEngine engine = InferenceEngine.open(this.engine.toConfig(model))) {
                ModelDescription d = engine.description();
                out.printf("Model     %s  version '%s'  sha256 %s%n", d.identity().getName(), d.identity().getVersion(), d.identity().getSha256());
                out.printf("Provider  %s%n", d.provider());
                for (TensorSpec input : d.inputs()) {
                    out.printf("Input     %s%n", input);
                }
                out.printf("Frames    feed '%s' with shape %s, %s%n", d.frameInput(), d.frameShape(),
                        d.batching() ? "batched (dynamic batch axis)" : "one frame per run");
                for (TensorSpec output : d.outputs()) {
                    out.printf("Output    %s%n", output);
                }
                out.printf("Decoder   %s%n", d.decoder());
                out.printf("ReLU layers (%d):%n", d.layers().size());
                out.printf("  %-32s %-5s %-10s %9s %12s%n", "layer (output tensor)", "op", "after", "units", "values/frame");
                for (ModelDescription.LayerInfo layer : d.layers()) {
                    out.printf("  %-32s %-5s %-10s %9s %12s%n", layer.name(), layer.opType(), layer.producerOpType(),
                            layer.units() < 0 ? "?" : layer.units() + (layer.unitAxis() == 0 && layer.activationsPerFrame() > layer.units() ? " ch" : ""),
                            layer.activationsPerFrame() < 0 ? "?" : Long.toString(layer.activationsPerFrame()));
                }
                if (!d.metadata().isEmpty()) {
                    out.println("Metadata:");
                    d.metadata().forEach((k, v) -> out.printf("  %s = %s%n", k, v));
                }
            }
            return 0;
        }
    }
}
