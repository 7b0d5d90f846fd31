package reluflow.engine.config;

import java.nio.file.Path;

/**
 * How model outputs become detections. Any field left null is taken from the model's metadata
 * ({@code reluflow.*} properties) and then from the defaults below.
 *
 * @param kind classifier (logits/probabilities -> top-k) or boxes (boxes + class scores -> NMS); default: model metadata, else classifier
 * @param classifierOutput classifier output name; default: the model's first output
 * @param activation how classifier values become scores; default AUTO (softmax unless they already are probabilities)
 * @param topK classifier: at most this many classes per frame; default 1
 * @param minScore drop detections scoring below this; default 0.0 for classifier, 0.5 for boxes
 * @param labelsFile one label per line, line i = class i; default: model metadata {@code reluflow.labels}, else class indices
 * @param boxesOutput boxes output [N, A, 4] x_min,y_min,x_max,y_max; default: metadata, else output named "boxes"
 * @param scoresOutput scores output [N, A, C]; default: metadata, else output named "scores"
 * @param boxCoordinates NORMALIZED ([0,1]) or PIXELS (divided by the input's width and height); default NORMALIZED
 * @param nmsIou per-class non-maximum suppression IoU threshold; default 0.5
 * @param maxDetections at most this many boxes per frame; default 100
 */
public record DecoderConfig(
        DecoderKind kind,
        String classifierOutput,
        ScoreActivation activation,
        Integer topK,
        Double minScore,
        Path labelsFile,
        String boxesOutput,
        String scoresOutput,
        BoxCoordinates boxCoordinates,
        Double nmsIou,
        Integer maxDetections) {

    public static final int DEFAULT_TOP_K = 1;
    public static final double DEFAULT_CLASSIFIER_MIN_SCORE = 0.0;
    public static final double DEFAULT_BOX_MIN_SCORE = 0.5;
    public static final double DEFAULT_NMS_IOU = 0.5;
    public static final int DEFAULT_MAX_DETECTIONS = 100;

    public enum DecoderKind { CLASSIFIER, BOXES }

    public enum ScoreActivation { AUTO, SOFTMAX, SIGMOID, NONE }

    public enum BoxCoordinates { NORMALIZED, PIXELS }

    public static DecoderConfig fromModel() {
        return new DecoderConfig(null, null, null, null, null, null, null, null, null, null, null);
    }

    public DecoderConfig withTopK(int value) {
        return new DecoderConfig(kind, classifierOutput, activation, value, minScore, labelsFile, boxesOutput, scoresOutput, boxCoordinates, nmsIou, maxDetections);
    }

    public DecoderConfig withLabelsFile(Path value) {
        return new DecoderConfig(kind, classifierOutput, activation, topK, minScore, value, boxesOutput, scoresOutput, boxCoordinates, nmsIou, maxDetections);
    }

    public DecoderConfig withClassifierOutput(String value) {
        return new DecoderConfig(kind, value, activation, topK, minScore, labelsFile, boxesOutput, scoresOutput, boxCoordinates, nmsIou, maxDetections);
    }

}
