package reluflow.engine.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the bundled demo ONNX models. Their weights are set by hand (no training, no randomness
 * beyond fixed seeds), so every call returns the same bytes and the models can be regenerated
 * instead of being checked in as binaries.
 *
 * <p>Both models carry {@code metadata_props} that tell the engine how to decode them:
 * {@code reluflow.decoder} ({@code classifier} or {@code boxes}), {@code reluflow.labels}, and for
 * the detector {@code reluflow.boxes-output} / {@code reluflow.scores-output}.
 */
public final class DemoModels {

    private DemoModels() {
    }

    /** Name of the single float input of each model. */
    public static String inputName(DemoModelKind kind) {
        return switch (kind) {
            case MLP -> MlpModel.INPUT;
            case CNN -> CnnModel.INPUT;
        };
    }

    /** Input shape without the batch axis, as the frames carry it. */
    public static List<Integer> frameShape(DemoModelKind kind) {
        return switch (kind) {
            case MLP -> List.of(MlpTask.FEATURES);
            case CNN -> List.of(1, CnnTask.SIZE, CnnTask.SIZE);
        };
    }

    /** Class labels in class-index order, identical to the {@code reluflow.labels} metadata. */
    public static List<String> labels(DemoModelKind kind) {
        return switch (kind) {
            case MLP -> MlpTask.LABELS;
            case CNN -> CnnTask.LABELS;
        };
    }

    /** Outputs of the ReLU-family nodes (Relu, or Clip with min 0), in graph order. */
    public static List<String> reluOutputs(DemoModelKind kind) {
        return switch (kind) {
            case MLP -> List.of(MlpModel.FC1_RELU, MlpModel.FC2_RELU);
            case CNN -> List.of(CnnModel.CONV1_RELU6, CnnModel.CONV2_RELU);
        };
    }

    /** The serialized ONNX ModelProto; deterministic, byte for byte. */
    public static byte[] build(DemoModelKind kind) {
        return switch (kind) {
            case MLP -> MlpModel.build().toByteArray();
            case CNN -> CnnModel.build().toByteArray();
        };
    }

    /** Writes {@link #build} to {@code out}, creating parent directories as needed. */
    public static void write(DemoModelKind kind, Path out) {
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(out, build(kind));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write demo model to " + out, e);
        }
    }
}
