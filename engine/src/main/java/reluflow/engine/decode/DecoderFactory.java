package reluflow.engine.decode;

import java.util.List;
import java.util.Map;
import reluflow.engine.EngineException;
import reluflow.engine.config.DecoderConfig;
import reluflow.engine.config.DecoderConfig.BoxCoordinates;
import reluflow.engine.config.DecoderConfig.DecoderKind;
import reluflow.engine.config.DecoderConfig.ScoreActivation;
import reluflow.engine.model.OnnxGraph;
import reluflow.engine.model.TensorSpec;

/**
 * Builds the decoder the configuration asks for. What the configuration leaves open comes from the
 * model's own metadata ({@code reluflow.decoder}, {@code reluflow.labels}, {@code reluflow.boxes-output},
 * {@code reluflow.scores-output}), so a model can carry how it is read.
 */
public final class DecoderFactory {
    public static final String META_DECODER = "reluflow.decoder";
    public static final String META_LABELS = "reluflow.labels";
    public static final String META_BOXES_OUTPUT = "reluflow.boxes-output";
    public static final String META_SCORES_OUTPUT = "reluflow.scores-output";

    private DecoderFactory() {
    }

    public static DetectionDecoder create(DecoderConfig config, OnnxGraph graph, long[] inputDims) throws EngineException {
        Map<String, String> meta = graph.metadata();
        DecoderKind kind = config.kind() != null ? config.kind() : kindFromMetadata(meta.get(META_DECODER));
        Labels labels = config.labelsFile() != null ? Labels.fromFile(config.labelsFile())
                : meta.containsKey(META_LABELS) ? Labels.fromMetadata(meta.get(META_LABELS)) : Labels.none();
        List<String> outputNames = graph.outputs().stream().map(TensorSpec::name).toList();
        if (kind == DecoderKind.BOXES) {
            String boxes = firstNonNull(config.boxesOutput(), meta.get(META_BOXES_OUTPUT), "boxes");
            String scores = firstNonNull(config.scoresOutput(), meta.get(META_SCORES_OUTPUT), "scores");
            requireOutput(boxes, "boxes-output", outputNames);
            requireOutput(scores, "scores-output", outputNames);
            float xScale = 1f;
            float yScale = 1f;
            if (config.boxCoordinates() == BoxCoordinates.PIXELS) {
                if (inputDims.length < 2 || inputDims[inputDims.length - 1] <= 0 || inputDims[inputDims.length - 2] <= 0) {
                    throw new EngineException("box-coordinates=pixels needs a model input with a fixed height and width (its last two axes), got "
                            + TensorSpec.format(inputDims));
                }
                xScale = 1f / inputDims[inputDims.length - 1];
                yScale = 1f / inputDims[inputDims.length - 2];
            }
            return new BoxDecoder(boxes, scores,
                    orDefault(config.minScore(), DecoderConfig.DEFAULT_BOX_MIN_SCORE),
                    orDefault(config.nmsIou(), DecoderConfig.DEFAULT_NMS_IOU),
                    config.maxDetections() != null ? config.maxDetections() : DecoderConfig.DEFAULT_MAX_DETECTIONS,
                    xScale, yScale, labels);
        }
        String output = config.classifierOutput() != null ? config.classifierOutput() : outputNames.get(0);
        requireOutput(output, "classifier-output", outputNames);
        return new ClassifierDecoder(output,
                config.activation() != null ? config.activation() : ScoreActivation.AUTO,
                config.topK() != null ? config.topK() : DecoderConfig.DEFAULT_TOP_K,
                orDefault(config.minScore(), DecoderConfig.DEFAULT_CLASSIFIER_MIN_SCORE),
                labels);
    }

    private static DecoderKind kindFromMetadata(String value) throws EngineException {
        if (value == null) {
            return DecoderKind.CLASSIFIER;
        }
        try {
            return DecoderKind.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new EngineException("Model metadata " + META_DECODER + "='" + value + "' is not one of classifier, boxes");
        }
    }

    private static void requireOutput(String name, String option, List<String> outputs) throws EngineException {
        if (!outputs.contains(name)) {
            throw new EngineException("Decoder " + option + " '" + name + "' is not an output of the model; its outputs are " + outputs);
        }
    }

    private static String firstNonNull(String a, String b, String c) {
        return a != null ? a : b != null ? b : c;
    }

    private static double orDefault(Double value, double fallback) {
        return value != null ? value : fallback;
    }
}
