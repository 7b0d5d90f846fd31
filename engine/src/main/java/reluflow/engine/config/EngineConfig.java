package reluflow.engine.config;

import java.nio.file.Path;
import java.util.Objects;
import reluflow.engine.EngineException;

/**
 * Everything the engine is configured with, validated once. The defaults are documented here and
 * nowhere else; the CLI and the Flink job read them from these constants.
 *
 * @param modelPath the ONNX model file
 * @param modelName name stamped on outputs; null = model file name without .onnx
 * @param modelVersion version stamped on outputs; null = the model's model_version, else ""
 * @param inputName graph input that receives frames; null = the model's only input
 * @param provider execution provider; default AUTO
 * @param intraOpThreads ONNX Runtime intra-op threads per session; default 1 (parallelism comes from Flink slots)
 * @param sampleRate fraction of frames whose ReLU activations are measured, deterministic per (sensor, frame id); default 1.0
 * @param uint8Scale UINT8 frames feed a float model as value * scale + offset; default 1/255
 * @param uint8Offset see uint8Scale; default 0
 * @param maxFrameBytes frames whose data exceed this are rejected as TOO_LARGE; default 16 MiB
 * @param decoder how outputs become detections
 * @param modelSha256 expected SHA-256 of the model file (64 hex digits); null = not pinned. A pinned
 *     model that differs (replaced, truncated, re-exported) refuses to start instead of running silently
 */
public record EngineConfig(
        Path modelPath,
        String modelName,
        String modelVersion,
        String inputName,
        ExecutionProvider provider,
        int intraOpThreads,
        double sampleRate,
        float uint8Scale,
        float uint8Offset,
        int maxFrameBytes,
        DecoderConfig decoder,
        String modelSha256) {

    public static final ExecutionProvider DEFAULT_PROVIDER = ExecutionProvider.AUTO;
    public static final int DEFAULT_INTRA_OP_THREADS = 1;
    public static final double DEFAULT_SAMPLE_RATE = 1.0;
    public static final float DEFAULT_UINT8_SCALE = 1f / 255f;
    public static final float DEFAULT_UINT8_OFFSET = 0f;
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
    private static final java.util.regex.Pattern SHA256_HEX = java.util.regex.Pattern.compile("[0-9a-fA-F]{64}");

    public EngineConfig {
        Objects.requireNonNull(modelPath, "modelPath");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(decoder, "decoder");
        // Stored lower-case so the comparison with ModelFile's lower-case hex is exact.
        modelSha256 = modelSha256 == null || modelSha256.isBlank() ? null : modelSha256.strip().toLowerCase(java.util.Locale.ROOT);
    }

    /** Backwards-compatible constructor: no model pin. */
    public EngineConfig(Path modelPath, String modelName, String modelVersion, String inputName, ExecutionProvider provider,
            int intraOpThreads, double sampleRate, float uint8Scale, float uint8Offset, int maxFrameBytes, DecoderConfig decoder) {
        this(modelPath, modelName, modelVersion, inputName, provider, intraOpThreads, sampleRate, uint8Scale, uint8Offset, maxFrameBytes,
                decoder, null);
    }

    public static EngineConfig defaults(Path modelPath) {
        return new EngineConfig(modelPath, null, null, null, DEFAULT_PROVIDER, DEFAULT_INTRA_OP_THREADS, DEFAULT_SAMPLE_RATE,
                DEFAULT_UINT8_SCALE, DEFAULT_UINT8_OFFSET, DEFAULT_MAX_FRAME_BYTES, DecoderConfig.fromModel(), null);
    }

    /** Fails with a message naming the option when a value cannot work. */
    public EngineConfig validate() throws EngineException {
        if (intraOpThreads < 1) {
            throw new EngineException("intra-op-threads must be >= 1, got " + intraOpThreads);
        }
        if (!(sampleRate >= 0.0 && sampleRate <= 1.0)) {
            throw new EngineException("sample-rate must be within [0, 1], got " + sampleRate);
        }
        if (!Float.isFinite(uint8Scale) || !Float.isFinite(uint8Offset)) {
            throw new EngineException("uint8-scale and uint8-offset must be finite numbers");
        }
        if (maxFrameBytes < 1) {
            throw new EngineException("max-frame-bytes must be >= 1, got " + maxFrameBytes);
        }
        if (modelSha256 != null && !SHA256_HEX.matcher(modelSha256).matches()) {
            throw new EngineException("model.sha256 (--model-sha256) must be 64 hex digits as sha256sum prints them, got '" + modelSha256 + "'");
        }
        if (decoder.topK() != null && decoder.topK() < 1) {
            throw new EngineException("decoder top-k must be >= 1, got " + decoder.topK());
        }
        if (decoder.nmsIou() != null && !(decoder.nmsIou() > 0 && decoder.nmsIou() <= 1)) {
            throw new EngineException("decoder nms-iou must be within (0, 1], got " + decoder.nmsIou());
        }
        if (decoder.maxDetections() != null && decoder.maxDetections() < 1) {
            throw new EngineException("decoder max-detections must be >= 1, got " + decoder.maxDetections());
        }
        return this;
    }

    public EngineConfig withModelIdentity(String name, String version) {
        return new EngineConfig(modelPath, name, version, inputName, provider, intraOpThreads, sampleRate, uint8Scale, uint8Offset, maxFrameBytes, decoder, modelSha256);
    }

    public EngineConfig withInputName(String value) {
        return new EngineConfig(modelPath, modelName, modelVersion, value, provider, intraOpThreads, sampleRate, uint8Scale, uint8Offset, maxFrameBytes, decoder, modelSha256);
    }

    public EngineConfig withProvider(ExecutionProvider value) {
        return new EngineConfig(modelPath, modelName, modelVersion, inputName, value, intraOpThreads, sampleRate, uint8Scale, uint8Offset, maxFrameBytes, decoder, modelSha256);
    }

    public EngineConfig withIntraOpThreads(int value) {
        return new EngineConfig(modelPath, modelName, modelVersion, inputName, provider, value, sampleRate, uint8Scale, uint8Offset, maxFrameBytes, decoder, modelSha256);
    }

    public EngineConfig withSampleRate(double value) {
        return new EngineConfig(modelPath, modelName, modelVersion, inputName, provider, intraOpThreads, value, uint8Scale, uint8Offset, maxFrameBytes, decoder, modelSha256);
    }

    public EngineConfig withUint8Scaling(float scale, float offset) {
        return new EngineConfig(modelPath, modelName, modelVersion, inputName, provider, intraOpThreads, sampleRate, scale, offset, maxFrameBytes, decoder, modelSha256);
    }

    public EngineConfig withMaxFrameBytes(int value) {
        return new EngineConfig(modelPath, modelName, modelVersion, inputName, provider, intraOpThreads, sampleRate, uint8Scale, uint8Offset, value, decoder, modelSha256);
    }

    public EngineConfig withModelSha256(String value) {
        return new EngineConfig(modelPath, modelName, modelVersion, inputName, provider, intraOpThreads, sampleRate, uint8Scale, uint8Offset, maxFrameBytes, decoder, value);
    }

    public EngineConfig withDecoder(DecoderConfig value) {
        return new EngineConfig(modelPath, modelName, modelVersion, inputName, provider, intraOpThreads, sampleRate, uint8Scale, uint8Offset, maxFrameBytes, value, modelSha256);
    }
}
