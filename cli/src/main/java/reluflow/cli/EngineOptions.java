package reluflow.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import reluflow.engine.config.DecoderConfig;
import reluflow.engine.config.EngineConfig;
import reluflow.engine.config.ExecutionProvider;

/** Engine options shared by every command that runs a model; unset options keep EngineConfig's defaults. */
public final class EngineOptions {
    @Option(names = "--provider", description = "Execution provider: ${COMPLETION-CANDIDATES} (default: auto = CUDA when available, else CPU).")
    ExecutionProvider provider;

    @Option(names = "--intra-op-threads", description = "ONNX Runtime intra-op threads per session (default: 1).")
    Integer intraOpThreads;

    @Option(names = "--sample-rate", description = "Fraction of frames whose ReLU sparsity is measured, 0..1 (default: 1.0).")
    Double sampleRate;

    @Option(names = "--input-name", description = "Model input that receives frames (default: the model's only input).")
    String inputName;

    @Option(names = "--model-name", description = "Model name stamped on outputs (default: file name).")
    String modelName;

    @Option(names = "--model-version", description = "Model version stamped on outputs (default: the model's model_version).")
    String modelVersion;

    @Option(names = "--model-sha256", description = "Expected SHA-256 of the model file (as sha256sum prints it); another file refuses to start (default: not checked).")
    String modelSha256;

    @Option(names = "--uint8-scale", description = "UINT8 frames feed float models as value*scale+offset (default: 1/255).")
    Float uint8Scale;

    @Option(names = "--uint8-offset", description = "See --uint8-scale (default: 0).")
    Float uint8Offset;

    @Option(names = "--max-frame-bytes", description = "Frames with more data are rejected as TOO_LARGE (default: 16 MiB).")
    Integer maxFrameBytes;

    @Option(names = "--decoder", description = "Output decoder: ${COMPLETION-CANDIDATES} (default: model metadata, else classifier).")
    DecoderConfig.DecoderKind decoder;

    @Option(names = "--labels", description = "Labels file, one label per line in class order (default: model metadata).")
    Path labels;

    @Option(names = "--top-k", description = "Classifier: classes reported per frame (default: 1).")
    Integer topK;

    @Option(names = "--min-score", description = "Drop detections scoring below this (default: 0 for classifier, 0.5 for boxes).")
    Double minScore;

    @Option(names = "--score-activation", description = "Classifier scores: ${COMPLETION-CANDIDATES} (default: auto).")
    DecoderConfig.ScoreActivation activation;

    @Option(names = "--classifier-output", description = "Classifier output name (default: the model's first output).")
    String classifierOutput;

    @Option(names = "--boxes-output", description = "Box decoder: boxes output [N,A,4] (default: metadata, else 'boxes').")
    String boxesOutput;

    @Option(names = "--scores-output", description = "Box decoder: scores output [N,A,C] (default: metadata, else 'scores').")
    String scoresOutput;

    @Option(names = "--box-coordinates", description = "Box decoder: ${COMPLETION-CANDIDATES} (default: normalized).")
    DecoderConfig.BoxCoordinates boxCoordinates;

    @Option(names = "--nms-iou", description = "Box decoder: per-class NMS IoU threshold (default: 0.5).")
    Double nmsIou;

    @Option(names = "--max-detections", description = "Box decoder: at most this many boxes per frame (default: 100).")
    Integer maxDetections;

    /** The same options as the Flink job's configuration keys (see reluflow.job.config.ReluflowOptions). */
    public java.util.Map<String, String> toJobSettings() {
        java.util.Map<String, String> s = new java.util.LinkedHashMap<>();
        put(s, "engine.provider", provider);
        put(s, "engine.intra-op-threads", intraOpThreads);
        put(s, "sparsity.sample-rate", sampleRate);
        put(s, "model.input-name", inputName);
        put(s, "model.name", modelName);
        put(s, "model.version", modelVersion);
        put(s, "model.sha256", modelSha256);
        put(s, "engine.uint8-scale", uint8Scale);
        put(s, "engine.uint8-offset", uint8Offset);
        put(s, "engine.max-frame-bytes", maxFrameBytes);
        put(s, "decoder.kind", decoder);
        put(s, "decoder.labels", labels);
        put(s, "decoder.top-k", topK);
        put(s, "decoder.min-score", minScore);
        put(s, "decoder.score-activation", activation);
        put(s, "decoder.classifier-output", classifierOutput);
        put(s, "decoder.boxes-output", boxesOutput);
        put(s, "decoder.scores-output", scoresOutput);
        put(s, "decoder.box-coordinates", boxCoordinates);
        put(s, "decoder.nms-iou", nmsIou);
        put(s, "decoder.max-detections", maxDetections);
        return s;
    }

    private static void put(java.util.Map<String, String> settings, String key, Object value) {
        if (value != null) {
            settings.put(key, value.toString());
        }
    }

    public EngineConfig toConfig(Path model) {
        EngineConfig config = EngineConfig.defaults(model).withModelIdentity(modelName, modelVersion).withInputName(inputName);
        if (provider != null) {
            config = config.withProvider(provider);
        }
        if (intraOpThreads != null) {
            config = config.withIntraOpThreads(intraOpThreads);
        }
        if (sampleRate != null) {
            config = config.withSampleRate(sampleRate);
        }
        if (uint8Scale != null || uint8Offset != null) {
            config = config.withUint8Scaling(uint8Scale != null ? uint8Scale : EngineConfig.DEFAULT_UINT8_SCALE,
                    uint8Offset != null ? uint8Offset : EngineConfig.DEFAULT_UINT8_OFFSET);
        }
        if (maxFrameBytes != null) {
            config = config.withMaxFrameBytes(maxFrameBytes);
        }
        if (modelSha256 != null) {
            config = config.withModelSha256(modelSha256);
        }
        DecoderConfig d = new DecoderConfig(decoder, classifierOutput, activation, topK, minScore, labels,
                boxesOutput, scoresOutput, boxCoordinates, nmsIou, maxDetections);
        return config.withDecoder(d);
    }
}
