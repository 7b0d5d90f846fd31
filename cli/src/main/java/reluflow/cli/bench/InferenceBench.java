package reluflow.cli.bench;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reluflow.avro.Frame;
import reluflow.avro.TensorType;
import reluflow.engine.EngineException;
import reluflow.engine.config.EngineConfig;
import reluflow.engine.config.ExecutionProvider;
import reluflow.engine.inference.FrameOutcome;
import reluflow.engine.inference.InferenceEngine;

/** The model alone: ONNX Runtime's raw ceiling, and the engine around it (plain and instrumented). */
final class InferenceBench {
    /**
     * Distinct frames cycled through by the engine measurements (a multiple of every batch size). Few
     * enough to stay in the CPU caches, as a batch the job just decoded does: cycling through
     * megabytes of frames would measure memory bandwidth, which the raw loop's one input never pays.
     */
    static final int POOL = 256;

    interface Step {
        void run() throws Exception;
    }

    private InferenceBench() {
    }

    /**
     * A minimal loop on {@code OrtSession.run}: one pre-made direct-buffer input tensor of {@code batch}
     * frames, a session with the engine's settings (intra-op threads, inter-op 1, spinning off, all
     * graph optimisations, CPU), every model output written into pre-made output tensors: the fastest
     * way to call ONNX Runtime from Java, so the engine is held to the best ONNX Runtime can do.
     */
    static double raw(BenchModel model, int batch, int intraOpThreads, double warmupSeconds, double seconds) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
            try (OrtSession session = env.createSession(model.onnx, options);
                 OnnxTensor input = inputTensor(env, model, batch)) {
                for (Map.Entry<String, NodeInfo> output : session.getOutputInfo().entrySet()) {
                    long[] shape = ((TensorInfo) output.getValue().getInfo()).getShape();
                    shape[0] = batch;
                    long elements = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                    FloatBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(elements * Float.BYTES))
                            .order(ByteOrder.nativeOrder()).asFloatBuffer();
                    outputs.put(output.getKey(), OnnxTensor.createTensor(env, buffer, shape));
                }
                Map<String, OnnxTensor> feed = Map.of(model.input, input);
                return rate(batch, warmupSeconds, seconds, () -> {
                    try (OrtSession.Result result = session.run(feed, outputs)) {
                        if (result.size() != outputs.size()) {
                            throw new IllegalStateException("missing outputs");
                        }
                    }
                });
            } finally {
                outputs.values().forEach(OnnxTensor::close);
            }
        }
    }

    /** The engine's {@code infer} on batches of {@code batch} frames cycled from a pool of distinct frames. */
    static double engine(BenchModel model, Path modelFile, List<Frame> pool, int batch, double sampleRate, int intraOpThreads,
            double warmupSeconds, double seconds) throws Exception {
        EngineConfig config = EngineConfig.defaults(modelFile)
                .withProvider(ExecutionProvider.CPU)
                .withIntraOpThreads(intraOpThreads)
                .withSampleRate(sampleRate);
        try (InferenceEngine engine = InferenceEngine.open(config)) {
            for (FrameOutcome outcome : engine.infer(pool.subList(0, batch))) {
                if (outcome instanceof FrameOutcome.Rejected rejected) {
                    throw new IllegalStateException(model.name + ": a frame was rejected: " + rejected.rejection());
                }
            }
            int[] offset = {0};
            return rate(batch, warmupSeconds, seconds, () -> {
                int from = offset[0];
                int to = from + batch;
                offset[0] = to >= pool.size() ? 0 : to;
                if (engine.infer(pool.subList(from, to)).size() != batch) {
                    throw new IllegalStateException("lost frames");
                }
            });
        }
    }

    /** Frames per second of {@code step} (which handles {@code batch} frames), after a warm-up. */
    static double rate(int batch, double warmupSeconds, double seconds, Step step) throws Exception {
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        while (System.nanoTime() < warmEnd) {
            step.run();
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long calls = 0;
        long now;
        do {
            step.run();
            calls++;
            now = System.nanoTime();
        } while (now < end);
        return calls * (double) batch / ((now - start) / 1e9);
    }

    private static OnnxTensor inputTensor(OrtEnvironment env, BenchModel model, int batch) throws OrtException {
        List<Frame> frames = model.frames(batch);
        int elements = frames.get(0).getShape().stream().reduce(1, (a, b) -> a * b);
        FloatBuffer buffer = ByteBuffer.allocateDirect(batch * elements * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (Frame frame : frames) {
            ByteBuffer data = frame.getData().duplicate().order(ByteOrder.LITTLE_ENDIAN);
            if (frame.getDtype() == TensorType.FLOAT32) {
                while (data.hasRemaining()) {
                    buffer.put(data.getFloat());
                }
            } else {
                while (data.hasRemaining()) {
                    buffer.put((data.get() & 0xFF) * EngineConfig.DEFAULT_UINT8_SCALE);
                }
            }
        }
        buffer.flip();
        long[] shape = new long[frames.get(0).getShape().size() + 1];
        shape[0] = batch;
        for (int i = 1; i < shape.length; i++) {
            shape[i] = frames.get(0).getShape().get(i - 1);
        }
        return OnnxTensor.createTensor(env, buffer, shape);
    }

    static void checkEngineOpens(Path modelFile) throws EngineException {
        try (InferenceEngine ignored = InferenceEngine.open(EngineConfig.defaults(modelFile).withProvider(ExecutionProvider.CPU))) {
            // opened and warmed up: the model runs
        }
    }
}
