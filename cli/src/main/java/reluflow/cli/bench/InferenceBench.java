package reluflow.cli.bench;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import reluflow.avro.Frame;
import reluflow.engine.EngineException;
import reluflow.engine.config.EngineConfig;
import reluflow.engine.config.ExecutionProvider;
import reluflow.engine.inference.FrameCopy;
import reluflow.engine.inference.FrameOutcome;
import reluflow.engine.inference.InferenceEngine;
import reluflow.engine.model.ModelInstrumenter;
import reluflow.engine.model.OnnxGraph;

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
     * Frames per second of each variant at one batch size, measured interleaved. {@code rawInstrumented}: the
     * raw loop on the instrumented graph (every ReLU output exposed), which says how much of the instrumented
     * engine's cost is ONNX Runtime's own. {@code rawFramesIn}: the raw loop with each batch's frames copied in from
     * their records ({@link RawLoop#withFramesIn}), above which the engine cannot run.
     */
    record Rates(double raw, double rawInstrumented, double rawFramesIn, double plain, double instrumented, double sampled10,
            Map<String, double[]> rounds) {
    }

    /** The variants' names in the bench's JSON, in the order they run in a round. */
    private static final List<String> VARIANTS = List.of("raw", "raw_instrumented", "raw_frames_in", "plain", "instrumented", "sampled10");

    /**
     * The raw ceiling (on the model, on the model with its ReLU outputs exposed as the engine's instrumented
     * session has them, and with the frames copied in from their records) and the engine plain, instrumented on
     * every frame and on 10% at one batch size. The six run interleaved, each in turn for a slice of
     * {@code seconds / rounds}, and each rate is its frames over its own time summed across the rounds: a burst of
     * other work on a shared machine, or the JIT compiling, falls on all six instead of on whichever happened to run then, so their
     * ratios hold much better than back-to-back measurements did. Each round's rates are kept too: a burst
     * shorter than a round still lands on one variant of that round, and a ratio's median over the rounds
     * leaves such a round out where the ratio of the sums does not.
     */
    static Rates measure(BenchModel model, Path modelFile, List<Frame> pool, int batch, int intraOpThreads, double warmupSeconds,
            double seconds, int rounds) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (RawLoop raw = new RawLoop(env, model, model.onnx, batch, intraOpThreads);
             RawLoop rawInstrumented = new RawLoop(env, model, instrumentedGraph(model), batch, intraOpThreads);
             RawLoop rawFramesIn = RawLoop.withFramesIn(env, model, batch, intraOpThreads, pool);
             EngineLoop plain = new EngineLoop(model, modelFile, pool, batch, 0.0, intraOpThreads);
             EngineLoop instrumented = new EngineLoop(model, modelFile, pool, batch, 1.0, intraOpThreads);
             EngineLoop sampled = new EngineLoop(model, modelFile, pool, batch, 0.1, intraOpThreads)) {
            Step[] steps = {raw::run, rawInstrumented::run, rawFramesIn::run, plain::run, instrumented::run, sampled::run};
            long[] calls = new long[steps.length];
            long[] nanos = new long[steps.length];
            double[][] perRound = new double[steps.length][rounds];
            for (Step step : steps) {
                timeSlice(step, warmupSeconds / steps.length);
            }
            double slice = seconds / rounds;
            for (int round = 0; round < rounds; round++) {
                for (int v = 0; v < steps.length; v++) {
                    long[] timed = timeSlice(steps[v], slice);
                    calls[v] += timed[0];
                    nanos[v] += timed[1];
                    perRound[v][round] = timed[0] * (double) batch / (timed[1] / 1e9);
                }
            }
            double[] rates = new double[steps.length];
            for (int v = 0; v < steps.length; v++) {
                rates[v] = calls[v] * (double) batch / (nanos[v] / 1e9);
            }
            // Each variant's rate in each round, in round order, by its JSON name: the ratios are taken round by round.
            Map<String, double[]> byVariant = new LinkedHashMap<>();
            for (int v = 0; v < steps.length; v++) {
                byVariant.put(VARIANTS.get(v), perRound[v]);
            }
            return new Rates(rates[0], rates[1], rates[2], rates[3], rates[4], rates[5], byVariant);
        }
    }

    /**
     * ONNX Runtime alone in two sessions on two threads over one session on one: how far this machine lets two
     * compute-bound slots scale, which bounds the pipeline's parallelism 2 / 1 from above. Two raw loops at one batch
     * size; in each round one runs alone for a turn, then both at once for a turn, each on its own thread. On our
     * 2-core VMs one thread alone ran faster (and its speed varied more) than each of two together.
     */
    record Scaling(double oneSession, double twoSessions, double[] roundRatios) {
        double ratio() {
            return BenchReport.median(roundRatios);
        }
    }

    static Scaling twoSessionScaling(BenchModel model, int batch, int intraOpThreads, double warmupSeconds, double turnSeconds,
            int rounds) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        ExecutorService threads = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "reluflow-bench-raw-session");
            thread.setDaemon(true);
            return thread;
        });
        try (RawLoop first = new RawLoop(env, model, model.onnx, batch, intraOpThreads);
             RawLoop second = new RawLoop(env, model, model.onnx, batch, intraOpThreads)) {
            timeTogether(threads, List.of(first), warmupSeconds / 2);
            timeTogether(threads, List.of(first, second), warmupSeconds / 2);
            // Each rate the mean of the rounds' (every turn is equally long), each ratio the rounds' median.
            double[] ratios = new double[rounds];
            double aloneRate = 0;
            double togetherRate = 0;
            for (int round = 0; round < rounds; round++) {
                double alone = rate(timeTogether(threads, List.of(first), turnSeconds), batch);
                double together = rate(timeTogether(threads, List.of(first, second), turnSeconds), batch);
                ratios[round] = together / alone;
                aloneRate += alone / rounds;
                togetherRate += together / rounds;
            }
            return new Scaling(aloneRate, togetherRate, ratios);
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * ONNX Runtime's raw ceiling alone, one session on the calling thread: the bench measures it again around each
     * pipeline round, as it does Kafka's, so that a compute-bound pipeline is set against the speed the machine had
     * then, not minutes before.
     */
    static double rawRate(BenchModel model, int batch, int intraOpThreads, double warmupSeconds, double seconds) throws Exception {
        try (RawLoop raw = new RawLoop(OrtEnvironment.getEnvironment(), model, model.onnx, batch, intraOpThreads)) {
            timeSlice(raw::run, warmupSeconds);
            return rate(new long[][] {timeSlice(raw::run, seconds)}, batch);
        }
    }

    /** Runs each loop on its own thread, all starting together, for about {@code seconds}; {calls, nanoseconds} per loop. */
    private static long[][] timeTogether(ExecutorService threads, List<RawLoop> loops, double seconds) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<long[]>> running = new ArrayList<>();
        for (RawLoop loop : loops) {
            running.add(threads.submit(() -> {
                start.await();
                return timeSlice(loop::run, seconds);
            }));
        }
        start.countDown();
        long[][] timed = new long[loops.size()][];
        for (int i = 0; i < timed.length; i++) {
            timed[i] = running.get(i).get();
        }
        return timed;
    }

    /** Frames per second of loops that ran at once: each loop's frames over its own time, summed. */
    private static double rate(long[][] timed, int batch) {
        double rate = 0;
        for (long[] loop : timed) {
            rate += loop[0] * (double) batch / (loop[1] / 1e9);
        }
        return rate;
    }

    /** The model as the engine's instrumented session runs it: every ReLU layer's output also a graph output. */
    static byte[] instrumentedGraph(BenchModel model) throws IOException {
        OnnxGraph graph = new OnnxGraph(OnnxMl.ModelProto.parseFrom(model.onnx));
        // The engine's fallback element type for a float input (every bench model has one) is the input's, float.
        return ModelInstrumenter.exposeLayers(graph, graph.reluLayers(), OnnxMl.TensorProto.DataType.FLOAT.getNumber()).toByteArray();
    }

    /** Runs step for about {@code seconds}; returns {calls, nanoseconds}. */
    private static long[] timeSlice(Step step, double seconds) throws Exception {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long calls = 0;
        long now;
        do {
            step.run();
            calls++;
            now = System.nanoTime();
        } while (now < end);
        return new long[] {calls, now - start};
    }

    /**
     * A minimal loop on {@code OrtSession.run}: one pre-made direct-buffer input tensor of {@code batch}
     * frames, a session with the engine's settings (intra-op threads, inter-op 1, spinning off, all
     * graph optimisations, CPU), every model output written into pre-made output tensors: the fastest
     * way to call ONNX Runtime from Java, so the engine is held to the best ONNX Runtime can do.
     *
     * <p>{@link #withFramesIn} adds only what any engine fed by records must do before each call, done as the engine
     * does it: the batch's frames, cycled from the engine loops' pool, copied from their records' bytes into the input
     * tensor's buffer, each checked finite right after its copy (the schema's NON_FINITE dead letter needs that check).
     * No shape check, no decoding (reading the outputs is left out too: a decoder need not read all of a detection
     * head's), no result objects: its rate over the raw loop's says how much of the engine's gap to the raw loop is
     * taken by getting the frames in at all, and bounds engine/raw from above on this machine (within the noise).
     */
    private static final class RawLoop implements AutoCloseable {
        private final OrtSession.SessionOptions options;
        private final OrtSession session;
        private final ByteBuffer inputBytes;
        private final OnnxTensor input;
        private final Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
        private final Map<String, OnnxTensor> feed;
        private final int batch;
        /** Null for the plain raw loop. */
        private final List<Frame> pool;
        private int offset;
        private int[] bits = new int[0];

        RawLoop(OrtEnvironment env, BenchModel model, byte[] onnx, int batch, int intraOpThreads) throws OrtException {
            this(env, model, onnx, batch, intraOpThreads, null);
        }

        static RawLoop withFramesIn(OrtEnvironment env, BenchModel model, int batch, int intraOpThreads, List<Frame> pool)
                throws OrtException {
            if (pool.size() % batch != 0) {
                throw new IllegalArgumentException("a pool of " + pool.size() + " frames is not whole batches of " + batch);
            }
            return new RawLoop(env, model, model.onnx, batch, intraOpThreads, pool);
        }

        private RawLoop(OrtEnvironment env, BenchModel model, byte[] onnx, int batch, int intraOpThreads, List<Frame> pool)
                throws OrtException {
            this.batch = batch;
            this.pool = pool;
            options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try {
                session = env.createSession(onnx, options);
            } catch (OrtException e) {
                options.close();
                throw e;
            }
            List<Frame> frames = model.frames(batch);
            int elements = frames.get(0).getShape().stream().reduce(1, (a, b) -> a * b);
            inputBytes = ByteBuffer.allocateDirect(batch * elements * Float.BYTES).order(ByteOrder.nativeOrder());
            copyIn(frames, 0);
            long[] shape = new long[frames.get(0).getShape().size() + 1];
            shape[0] = batch;
            for (int i = 1; i < shape.length; i++) {
                shape[i] = frames.get(0).getShape().get(i - 1);
            }
            input = OnnxTensor.createTensor(env, inputBytes.asFloatBuffer(), shape);
            for (Map.Entry<String, NodeInfo> output : session.getOutputInfo().entrySet()) {
                long[] outputShape = ((TensorInfo) output.getValue().getInfo()).getShape();
                outputShape[0] = batch;
                long elementsOut = Arrays.stream(outputShape).reduce(1, (a, b) -> a * b);
                FloatBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(elementsOut * Float.BYTES))
                        .order(ByteOrder.nativeOrder()).asFloatBuffer();
                outputs.put(output.getKey(), OnnxTensor.createTensor(env, buffer, outputShape));
            }
            feed = Map.of(model.input, input);
        }

        void run() throws OrtException {
            if (pool != null) {
                int from = offset;
                offset = from + batch >= pool.size() ? 0 : from + batch;
                copyIn(pool, from);
            }
            try (OrtSession.Result result = session.run(feed, outputs)) {
                if (result.size() != outputs.size()) {
                    throw new IllegalStateException("missing outputs");
                }
            }
        }

        /**
         * Frames {@code from} .. {@code from + batch} of {@code frames} into the input buffer with the engine's own copy and
         * check (every bench model has a float input: uint8 frames are scaled to floats), each checked right after its copy.
         */
        private void copyIn(List<Frame> frames, int from) {
            inputBytes.clear();
            IntBuffer floatBits = inputBytes.asIntBuffer();
            int elements = inputBytes.capacity() / Float.BYTES / batch;
            if (bits.length < elements) {
                bits = new int[elements];
            }
            for (int position = 0; position < batch; position++) {
                Frame frame = frames.get(from + position);
                FrameCopy.put(inputBytes, frame, false, EngineConfig.DEFAULT_UINT8_SCALE, EngineConfig.DEFAULT_UINT8_OFFSET);
                if (!FrameCopy.allFinite(floatBits, position, elements, bits)) {
                    throw new IllegalStateException("bench frame " + frame.getFrameId() + " of " + frame.getSensorId() + " is not finite");
                }
            }
            inputBytes.flip();
        }

        @Override
        public void close() throws OrtException {
            outputs.values().forEach(OnnxTensor::close);
            input.close();
            session.close();
            options.close();
        }
    }

    /** The engine's {@code infer} on batches of {@code batch} frames cycled from a pool of distinct frames. */
    private static final class EngineLoop implements AutoCloseable {
        private final InferenceEngine engine;
        private final List<Frame> pool;
        private final int batch;
        private int offset;

        EngineLoop(BenchModel model, Path modelFile, List<Frame> pool, int batch, double sampleRate, int intraOpThreads)
                throws EngineException {
            EngineConfig config = EngineConfig.defaults(modelFile)
                    .withProvider(ExecutionProvider.CPU)
                    .withIntraOpThreads(intraOpThreads)
                    .withSampleRate(sampleRate);
            this.engine = InferenceEngine.open(config);
            this.pool = pool;
            this.batch = batch;
            for (FrameOutcome outcome : engine.infer(pool.subList(0, batch))) {
                if (outcome instanceof FrameOutcome.Rejected rejected) {
                    engine.close();
                    throw new IllegalStateException(model.name + ": a frame was rejected: " + rejected.rejection());
                }
            }
        }

        void run() {
            int from = offset;
            int to = from + batch;
            offset = to >= pool.size() ? 0 : to;
            if (engine.infer(pool.subList(from, to)).size() != batch) {
                throw new IllegalStateException("lost frames");
            }
        }

        @Override
        public void close() {
            engine.close();
        }
    }
}
