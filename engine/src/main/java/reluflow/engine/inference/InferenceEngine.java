package reluflow.engine.inference;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reluflow.avro.Detection;
import reluflow.avro.ErrorKind;
import reluflow.avro.Frame;
import reluflow.avro.FrameDetections;
import reluflow.avro.ModelIdentity;
import reluflow.avro.TensorType;
import reluflow.engine.EngineException;
import reluflow.engine.config.EngineConfig;
import reluflow.engine.decode.BatchOutputs;
import reluflow.engine.decode.DecoderFactory;
import reluflow.engine.decode.DetectionDecoder;
import reluflow.engine.decode.TensorView;
import reluflow.engine.model.ExternalData;
import reluflow.engine.model.ModelFile;
import reluflow.engine.model.ModelInstrumenter;
import reluflow.engine.model.OnnxGraph;
import reluflow.engine.model.ReluLayer;
import reluflow.engine.model.TensorSpec;
import reluflow.engine.sparsity.ActivationCounter;
import reluflow.engine.sparsity.BatchActivity;
import reluflow.engine.sparsity.BatchCounter;
import reluflow.engine.sparsity.LayerCounts;

/**
 * Runs any ONNX model whose hidden layers use ReLU over batches of frames, and measures how many
 * activations of each ReLU layer are exactly zero. Thread-safe: ONNX Runtime sessions may be run
 * concurrently, and per-call buffers are per thread.
 *
 * <p>Two sessions serve a model: a plain one, and an instrumented one whose graph also returns every
 * ReLU output (ONNX Runtime returns nothing else). Frames sampled for sparsity go to the second.
 */
public final class InferenceEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceEngine.class);

    private final EngineConfig config;
    private final OrtEnvironment environment;
    private final ModelIdentity identity;
    private final OnnxGraph graph;
    private final InputLayout layout;
    private final FrameValidator validator;
    private final DetectionDecoder decoder;
    private final List<ReluLayer> layers;
    private final OrtSession plainSession;
    private final OrtSession instrumentedSession;
    private final Set<String> plainOutputs;
    /** The decoder's outputs, in a fixed order. */
    private final String[] decoderOutputs;
    private final Set<String> instrumentedOutputs;
    private final Set<String> layerNames;
    /** The layers' names in their order, shared by every batch's activity. */
    private final String[] layerNameArray;
    private final Map<String, long[]> layerFrameShapes = new ConcurrentHashMap<>();
    private final String providerUsed;
    private final ThreadLocal<Scratch> scratchByThread = ThreadLocal.withInitial(Scratch::new);
    /** Frame shape of every output either session returns, when a warm-up run showed them all as static floats. */
    private volatile Map<String, long[]> staticOutputFrameShapes;
    /** Output batch axis per output: an output may lack it (the same for every frame). */
    private volatile Map<String, Boolean> outputHasBatchAxis;
    private final Set<PinnedTensors> allPinned = ConcurrentHashMap.newKeySet();
    private static final long SAMPLE_SCALE = 1L << 53;
    /** See {@link #isSampled}. */
    private final long sampleThreshold;
    /**
     * Distinct (session, batch size) pairs whose pinned tensors a thread keeps. Full batches need one, but
     * sampling splits a batch into a sampled and an unsampled run of varying sizes (at 10% and batch 32,
     * mostly 0-7 and 25-32 frames): with room for only 4, the 10% engine re-allocated output tensors
     * nearly every batch and ran at 0.85 of plain on the CNN; with 24, 0.96 (`./reluflow bench --models
     * cnn,mlp --batches 32 --duration 3 --skip-pipeline`). The split runs are small, so the memory stays
     * a few megabytes per thread even for conv layers.
     */
    private static final int PINNED_SIZES_PER_THREAD = 24;

    private InferenceEngine(EngineConfig config, ModelFile file) throws EngineException {
        this.config = config.validate();
        this.sampleThreshold = sampleThreshold(config.sampleRate());
        checkPin(config, file);
        this.environment = OrtEnvironment.getEnvironment();
        this.graph = new OnnxGraph(ExternalData.inline(file.proto(), file.path()));
        this.identity = ModelIdentity.newBuilder()
                .setName(config.modelName() != null ? config.modelName() : file.defaultName())
                .setVersion(config.modelVersion() != null ? config.modelVersion() : file.defaultVersion())
                .setSha256(file.sha256())
                .build();
        TensorSpec input = chooseInput(graph, config.inputName(), file);
        this.layout = InputLayout.of(input);
        this.validator = new FrameValidator(layout, config.maxFrameBytes());
        this.decoder = DecoderFactory.create(config.decoder(), graph, input.dims());
        this.layers = graph.reluLayers();
        if (layers.isEmpty()) {
            LOG.warn("Model {} has no ReLU layer (Relu, or Clip with min 0): it runs, and sparsity reports stay empty", file.path());
        }
        boolean needInstrumented = !layers.isEmpty() && config.sampleRate() > 0;
        boolean needPlain = !needInstrumented || config.sampleRate() < 1.0;
        SessionFactory sessions = new SessionFactory(environment, config.provider(), config.intraOpThreads());
        OrtSession plain = null;
        OrtSession instrumented = null;
        try {
            if (needPlain) {
                plain = sessions.create(graph.model().toByteArray(), "model " + file.path());
            }
            if (needInstrumented) {
                int fallbackType = input.isFloat() ? input.elemType() : OnnxMl.TensorProto.DataType.FLOAT.getNumber();
                byte[] exposed = ModelInstrumenter.exposeLayers(graph, layers, fallbackType).toByteArray();
                instrumented = sessions.create(exposed, "instrumented model (ReLU outputs exposed) of " + file.path());
            }
            this.plainSession = plain;
            this.instrumentedSession = instrumented;
            this.providerUsed = sessions.effectiveProvider().name();
            this.plainOutputs = Set.copyOf(decoder.outputs());
            this.decoderOutputs = decoder.outputs().toArray(String[]::new);
            Set<String> all = new HashSet<>(decoder.outputs());
            layers.forEach(l -> all.add(l.name()));
            this.instrumentedOutputs = Set.copyOf(all);
            this.layerNames = layers.stream().map(ReluLayer::name).collect(java.util.stream.Collectors.toUnmodifiableSet());
            this.layerNameArray = layers.stream().map(ReluLayer::name).toArray(String[]::new);
            warmUp();
        } catch (EngineException | RuntimeException e) {
            closeQuietly(plain);
            closeQuietly(instrumented);
            throw e;
        }
    }

    /** Opens the model file the configuration names. */
    public static InferenceEngine open(EngineConfig config) throws EngineException {
        return new InferenceEngine(config, ModelFile.read(config.modelPath()));
    }

    /** Opens a model already read (e.g. from a Flink file system); path names it in messages. */
    public static InferenceEngine open(EngineConfig config, byte[] modelBytes) throws EngineException {
        return new InferenceEngine(config, ModelFile.fromBytes(config.modelPath(), modelBytes));
    }

    public ModelIdentity identity() {
        return identity;
    }

    public List<ReluLayer> layers() {
        return layers;
    }

    /** How frames feed the model input. */
    public InputLayout inputLayout() {
        return layout;
    }

    public ModelDescription description() {
        List<ModelDescription.LayerInfo> infos = new ArrayList<>();
        for (ReluLayer layer : layers) {
            long[] shape = layerFrameShapes.get(layer.name());
            int axis = shape == null ? -1 : layer.unitAxis(shape.length);
            infos.add(new ModelDescription.LayerInfo(layer.name(), layer.opType(), layer.producerOpType(), axis,
                    shape == null ? -1 : (shape.length == 0 ? 1 : shape[axis]),
                    shape == null ? -1 : Arrays.stream(shape).reduce(1, (a, b) -> a * b)));
        }
        return new ModelDescription(identity, graph.inputs(), graph.outputs(), layout.input().name(), layout.describeFrameShape(),
                layout.dynamicBatch(), infos, decoder.getClass().getSimpleName(),
                reluflow.engine.config.ExecutionProvider.valueOf(providerUsed), graph.metadata());
    }

    /**
     * Infers a batch of frames. Never throws for a bad frame: each frame gets exactly one outcome, in
     * input order. A batch that ONNX Runtime rejects is retried frame by frame, so only the frames
     * that fail on their own are rejected (as INFERENCE_ERROR).
     */
    public List<FrameOutcome> infer(List<Frame> frames) {
        int n = frames.size();
        FrameOutcome[] outcomes = new FrameOutcome[n];
        int[] measured = new int[n];
        int[] plain = new int[n];
        int m = 0;
        int p = 0;
        for (int i = 0; i < n; i++) {
            Frame frame = frames.get(i);
            Optional<FrameRejection> rejection = validator.checkStructure(frame);
            if (rejection.isPresent()) {
                outcomes[i] = new FrameOutcome.Rejected(frame, rejection.get());
            } else if (instrumentedSession != null && (plainSession == null || isSampled(frame))) {
                measured[m++] = i;
            } else {
                plain[p++] = i;
            }
        }
        if (m > 0 && p > 0 && layout.staticFrameShape()) {
            runMixed(frames, Arrays.copyOf(measured, m), Arrays.copyOf(plain, p), outcomes);
        } else {
            runAll(frames, Arrays.copyOf(measured, m), Pass.INSTRUMENTED, outcomes);
            runAll(frames, Arrays.copyOf(plain, p), Pass.PLAIN, outcomes);
        }
        return Arrays.asList(outcomes);
    }

    /**
     * A batch with sampled and unsampled frames either runs twice (sampled frames instrumented, the
     * rest plain) or once, all instrumented, counting only the sampled frames. Which is cheaper depends
     * on the model: a second ONNX Runtime call costs microseconds, which dominate a small MLP; exposing
     * large conv outputs costs more than that. Each thread times both and keeps the cheaper.
     */
    private void runMixed(List<Frame> frames, int[] measured, int[] plain, FrameOutcome[] outcomes) {
        MixedBatchPlanner planner = scratchByThread.get().planner;
        boolean merge = planner.merge();
        long start = System.nanoTime();
        if (merge) {
            boolean[] counted = new boolean[frames.size()];
            for (int i : measured) {
                counted[i] = true;
            }
            // Every frame not rejected, in input order.
            int[] all = new int[measured.length + plain.length];
            int k = 0;
            for (int i = 0; i < outcomes.length; i++) {
                if (outcomes[i] == null) {
                    all[k++] = i;
                }
            }
            runAll(frames, all, new Pass(true, counted), outcomes);
        } else {
            runAll(frames, measured, Pass.INSTRUMENTED, outcomes);
            runAll(frames, plain, Pass.PLAIN, outcomes);
        }
        planner.record(merge, System.nanoTime() - start, measured.length + plain.length);
    }

    /** Whether a frame is measured for sparsity: a hash of (sensor, frame id), so replays sample the same frames. */
    public boolean isSampled(Frame frame) {
        if (sampleThreshold > SAMPLE_SCALE || instrumentedSession == null) {
            return instrumentedSession != null;
        }
        long h = frame.getSensorId().hashCode() * 0x9E3779B97F4A7C15L ^ frame.getFrameId();
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        // The hash's top 53 bits as a fraction of 2^53, below the rate: compared as integers.
        return (h >>> 11) < sampleThreshold;
    }

    /**
     * The integer under which a hash's top 53 bits sample a frame: x * 2^-53 < rate exactly when x < ceil(rate * 2^53)
     * for an integer x (scaling by 2^53 is exact); above {@link #SAMPLE_SCALE} for a rate of 1, when every frame is.
     */
    static long sampleThreshold(double rate) {
        return rate >= 1.0 ? SAMPLE_SCALE + 1 : (long) Math.ceil(rate * SAMPLE_SCALE);
    }

    public FrameDetections toRecord(FrameResult result, Instant processedAt) {
        return FrameDetectionsMapper.toRecord(result, identity, processedAt);
    }

    private void runAll(List<Frame> frames, int[] indices, Pass pass, FrameOutcome[] outcomes) {
        if (indices.length == 0) {
            return;
        }
        if (!layout.dynamicBatch()) {
            for (int i : indices) {
                runChunk(frames, new int[] {i}, pass, outcomes);
            }
        } else if (layout.staticFrameShape()) {
            // Every frame that passed validation has the model's one frame shape.
            runChunk(frames, indices, pass, outcomes);
        } else {
            // Frames share one tensor only when they share a shape (models with dynamic non-batch axes).
            Map<List<Integer>, List<Integer>> byShape = new LinkedHashMap<>();
            for (int i : indices) {
                byShape.computeIfAbsent(frames.get(i).getShape(), shape -> new ArrayList<>()).add(i);
            }
            for (List<Integer> chunk : byShape.values()) {
                runChunk(frames, chunk.stream().mapToInt(Integer::intValue).toArray(), pass, outcomes);
            }
        }
    }

    private void runChunk(List<Frame> frames, int[] chunk, Pass pass, FrameOutcome[] outcomes) {
        Frame first = frames.get(chunk[0]);
        long[] frameDims = new long[first.getShape().size()];
        for (int axis = 0; axis < frameDims.length; axis++) {
            frameDims[axis] = first.getShape().get(axis);
        }
        int elements = TensorView.elements(frameDims);
        Scratch scratch = scratchByThread.get();
        PinnedTensors pinned = pinnedTensors(scratch, pass.instrumented(), chunk.length, frameDims);
        ByteBuffer input = assemble(frames, chunk, elements, pinned != null ? pinned.input : null, scratch);
        int[] finite = withoutNonFinite(frames, chunk, input, elements, scratch, outcomes);
        if (finite != chunk) {
            if (finite.length > 0) {
                runChunk(frames, finite, pass, outcomes);
            }
            return;
        }
        try {
            List<FrameResult> results = run(frames, chunk, input, frameDims, pass, pinned, scratch);
            for (int k = 0; k < chunk.length; k++) {
                outcomes[chunk[k]] = new FrameOutcome.Inferred(results.get(k));
            }
        } catch (OrtException | RuntimeException e) {
            if (chunk.length > 1) {
                LOG.warn("Batch of {} frames failed in ONNX Runtime ({}); retrying frame by frame", chunk.length, e.getMessage());
                for (int i : chunk) {
                    runChunk(frames, new int[] {i}, pass, outcomes);
                }
            } else {
                outcomes[chunk[0]] = new FrameOutcome.Rejected(first,
                        new FrameRejection(ErrorKind.INFERENCE_ERROR, "ONNX Runtime failed on this frame: " + e.getMessage()));
            }
        }
    }

    /**
     * The chunk itself when every value of the assembled float input is finite (checked frame by frame
     * as {@link #assemble} copied it); otherwise the frames holding a NaN or infinity are rejected and
     * the others returned.
     */
    private int[] withoutNonFinite(List<Frame> frames, int[] chunk, ByteBuffer input, int elements, Scratch scratch,
            FrameOutcome[] outcomes) {
        if (scratch.nonFiniteFrames == 0) {
            return chunk;
        }
        IntBuffer floatBits = input.asIntBuffer();
        int[] bits = scratch.floatBits(elements);
        int[] kept = new int[chunk.length];
        int k = 0;
        for (int position = 0; position < chunk.length; position++) {
            if (!scratch.nonFinite[position]) {
                kept[k++] = chunk[position];
            } else {
                floatBits.get(position * elements, bits, 0, elements);
                int bad = FrameValidator.firstNonFinite(bits, elements);
                Frame frame = frames.get(chunk[position]);
                outcomes[chunk[position]] = new FrameOutcome.Rejected(frame, FrameValidator.nonFinite(bad, Float.intBitsToFloat(bits[bad])));
            }
        }
        return Arrays.copyOf(kept, k);
    }

    private List<FrameResult> run(List<Frame> frames, int[] chunk, ByteBuffer inputBytes, long[] frameDims, Pass pass,
            PinnedTensors pinned, Scratch scratch) throws OrtException {
        boolean measure = pass.instrumented();
        OrtSession session = measure ? instrumentedSession : plainSession;
        Set<String> requested = measure ? instrumentedOutputs : plainOutputs;
        int n = chunk.length;
        long[] inputShape = layout.batchAxis() ? prepend(n, frameDims) : frameDims;
        long start = System.nanoTime();
        try (OnnxTensor ownInput = pinned == null ? tensor(inputBytes, inputShape) : null;
             OrtSession.Result result = pinned != null
                     ? session.run(pinned.feed, pinned.tensors)
                     : session.run(Map.of(layout.input().name(), ownInput), requested)) {
            long micros = (System.nanoTime() - start) / 1_000;
            // Decoders read their outputs in place (a pinned output is the direct buffer ONNX Runtime wrote);
            // ReLU layers, counted in tight loops, are copied in bulk (the counted frames' values) into per-thread arrays.
            Map<String, FloatBuffer> buffers;
            Map<String, IntBuffer> layerBits;
            Map<String, long[]> shapes;
            if (pinned != null) {
                buffers = pinned.buffers;
                layerBits = pinned.bits;
                shapes = pinned.shapes;
            } else {
                buffers = new HashMap<>();
                layerBits = new HashMap<>();
                shapes = new HashMap<>();
                for (Map.Entry<String, OnnxValue> entry : result) {
                    OnnxTensor tensor = (OnnxTensor) entry.getValue();
                    if (tensor.getInfo().type == OnnxJavaType.FLOAT) {
                        if (measure && layerNames.contains(entry.getKey())) {
                            layerBits.put(entry.getKey(), tensor.getByteBuffer().order(ByteOrder.nativeOrder()).asIntBuffer());
                        }
                        if (plainOutputs.contains(entry.getKey())) {
                            buffers.put(entry.getKey(), tensor.getFloatBuffer());
                        }
                        shapes.put(entry.getKey(), tensor.getInfo().getShape());
                    }
                }
            }
            BatchActivity activity = BatchActivity.NONE;
            if (measure) {
                LayerOutputs outputs = pinned != null ? pinned.layerOutputs(layers) : LayerOutputs.of(layers, layerBits, shapes);
                activity = countActivations(outputs, chunk, pass.counted(), scratch);
            }
            List<FrameResult> results = new ArrayList<>(n);
            // Each decoder output's frame slicing is worked out once per batch, not per frame.
            String[] names = decoderOutputs;
            FloatBuffer[] data = new FloatBuffer[names.length];
            long[][] frameShapes = new long[names.length][];
            int[] size = new int[names.length];
            int[] stride = new int[names.length];
            for (int o = 0; o < names.length; o++) {
                data[o] = buffers.get(names[o]);
                if (data[o] == null) {
                    throw new IllegalStateException("model output '" + names[o] + "' is not a float tensor");
                }
                long[] dims = shapes.get(names[o]);
                boolean splits = splitsBatch(dims, n);
                // An output without the batch axis is the same for every frame of the batch.
                frameShapes[o] = splits ? Arrays.copyOfRange(dims, 1, dims.length) : dims;
                size[o] = TensorView.elements(frameShapes[o]);
                stride[o] = splits ? size[o] : 0;
            }
            List<List<Detection>> detections = decoder.decodeBatch(new BatchOutputs(names, data, stride, size, frameShapes, n));
            for (int f = 0; f < n; f++) {
                results.add(new FrameResult(frames.get(chunk[f]), detections.get(f), activity, f, n, micros));
            }
            return results;
        }
    }

    /**
     * This thread's pinned tensors for a batch of n frames on one session, made on first use; null when
     * the model's output shapes are not all known and static (then each batch makes its input tensor
     * and ONNX Runtime allocates its outputs), or when they could not be made.
     */
    private PinnedTensors pinnedTensors(Scratch scratch, boolean measure, int n, long[] frameDims) {
        Map<String, long[]> frameShapes = staticOutputFrameShapes;
        if (frameShapes == null || !Arrays.equals(frameDims, layout.frameDims())) {
            return null;
        }
        int key = measure ? n : -n;
        if (scratch.lastPinned != null && scratch.lastPinnedKey == key) {
            return scratch.lastPinned;
        }
        Map<Integer, PinnedTensors> cache = scratch.pinned;
        PinnedTensors pinned = cache.get(key);
        if (pinned == null) {
            Set<String> requested = measure ? instrumentedOutputs : plainOutputs;
            Map<String, long[]> shapes = new HashMap<>();
            for (String name : requested) {
                long[] frameShape = frameShapes.get(name);
                shapes.put(name, layout.batchAxis() && outputHasBatchAxis.get(name) ? prepend(n, frameShape) : frameShape);
            }
            try {
                pinned = PinnedTensors.allocate(environment, layout.input().name(), layout.batchAxis() ? prepend(n, frameDims) : frameDims,
                        layout.input().isUint8(), shapes);
            } catch (OrtException e) {
                LOG.warn("Pinned tensors for batches of {} could not be made ({}); such batches allocate their own", n, e.getMessage());
                return null;
            }
            allPinned.add(pinned);
            cache.put(key, pinned);
            if (cache.size() > PINNED_SIZES_PER_THREAD) {
                var eldest = cache.entrySet().iterator().next();
                cache.remove(eldest.getKey());
                allPinned.remove(eldest.getValue());
                eldest.getValue().close();
            }
        }
        scratch.lastPinned = pinned;
        scratch.lastPinnedKey = key;
        return pinned;
    }

    /**
     * The chunk's activity in every layer, counted for the frames counted (counted[index] true, or every
     * frame when counted is null). Each layer's values are copied as raw float bits into this thread's
     * counter for it: the whole output in one bulk copy when every frame is counted, else only the counted
     * frames' slices. Layers are reached by index and each layer's layout is worked out once per output
     * shape, not per batch: at 10% sampling on the MLP, looking layers up by name in maps and working out
     * their layouts again cost more than counting the few frames sampled.
     */
    private BatchActivity countActivations(LayerOutputs outputs, int[] chunk, boolean[] counted, Scratch scratch) {
        int n = chunk.length;
        int[] slotOfPosition = null;
        int[] countedPositions = null;
        if (counted != null) {
            slotOfPosition = new int[n];
            int[] positions = new int[n];
            int c = 0;
            for (int f = 0; f < n; f++) {
                if (counted[chunk[f]]) {
                    slotOfPosition[f] = c;
                    positions[c++] = f;
                } else {
                    slotOfPosition[f] = -1;
                }
            }
            countedPositions = Arrays.copyOf(positions, c);
        }
        LayerCounts[] out = new LayerCounts[layers.size()];
        int k = 0;
        for (int l = 0; l < out.length; l++) {
            IntBuffer source = outputs.bits()[l];
            if (source == null) {
                continue;
            }
            LayerCounter layer = scratch.counter(l, layers.get(l).name());
            long[] dims = outputs.dims()[l];
            if (layer.dims != dims || layer.frames != n) {
                layer.follow(dims, n, splitsBatch(dims, n), layers.get(l));
                layerFrameShapes.putIfAbsent(layers.get(l).name(), layer.frameShape);
            }
            boolean splits = layer.splits;
            BatchCounter counter = layer.counter;
            counter.begin(layer.layout, splits ? n : 1);
            LayerCounts counts;
            if (!splits) {
                // An output without the batch axis is the same for every frame of the batch: counted once.
                counts = counter.newCounts(n, true);
                counter.loadAll(source, 1);
                counter.count(0, counts);
            } else if (countedPositions == null) {
                counts = counter.newCounts(n, false);
                counter.loadAll(source, n);
                counter.countAll(n, counts);
            } else {
                counts = counter.newCounts(slotOfPosition, countedPositions.length);
                for (int f : countedPositions) {
                    counter.loadFrame(source, f);
                    counter.count(f, counts);
                }
            }
            out[k++] = counts;
        }
        if (k == out.length) {
            return new BatchActivity(out, layerNameArray, slotOfPosition);
        }
        LayerCounts[] returned = Arrays.copyOf(out, k);
        return new BatchActivity(returned, Arrays.stream(returned).map(LayerCounts::layer).toArray(String[]::new), slotOfPosition);
    }

    private boolean splitsBatch(long[] dims, int n) {
        return layout.batchAxis() && dims.length > 0 && dims[0] == n;
    }

    /**
     * Copies the chunk's frames, in native order, into the pinned input buffer when there is one (it
     * holds exactly this many frames), else into this thread's direct input buffer: one copy per frame.
     * Marks, in the scratch, the frames that hold a NaN or an infinity, each checked right after its copy
     * while it is still in the L1 cache: one pass over the assembled batch afterwards read a batch of
     * large frames back from memory (profiled on the 784-input Crayfish-shaped model at batch 32).
     */
    private ByteBuffer assemble(List<Frame> frames, int[] chunk, int elements, ByteBuffer pinnedInput, Scratch scratch) {
        boolean uint8Model = layout.input().isUint8();
        int bytes = Math.multiplyExact(chunk.length, elements) * (uint8Model ? 1 : Float.BYTES);
        ByteBuffer buffer = pinnedInput != null ? pinnedInput.clear() : scratch.input(bytes);
        IntBuffer floatBits = uint8Model ? null : buffer.asIntBuffer();
        int[] bits = uint8Model ? null : scratch.floatBits(elements);
        boolean[] nonFinite = scratch.nonFinite(chunk.length);
        scratch.nonFiniteFrames = 0;
        float scale = config.uint8Scale();
        float offset = config.uint8Offset();
        for (int position = 0; position < chunk.length; position++) {
            FrameCopy.put(buffer, frames.get(chunk[position]), uint8Model, scale, offset);
            // Bytes scaled to floats are checked too: a huge uint8.scale can still overflow to infinity.
            if (floatBits != null && !FrameCopy.allFinite(floatBits, position, elements, bits)) {
                nonFinite[position] = true;
                scratch.nonFiniteFrames++;
            }
        }
        buffer.flip();
        return buffer;
    }

    private OnnxTensor tensor(ByteBuffer buffer, long[] shape) throws OrtException {
        if (layout.input().isUint8()) {
            return OnnxTensor.createTensor(environment, buffer, shape, OnnxJavaType.UINT8);
        }
        return OnnxTensor.createTensor(environment, buffer.asFloatBuffer(), shape);
    }

    /**
     * Which session a chunk runs on and, for the instrumented one, which frames are counted (indexed
     * like the batch given to infer; null: every frame).
     */
    private record Pass(boolean instrumented, boolean[] counted) {
        static final Pass PLAIN = new Pass(false, null);
        static final Pass INSTRUMENTED = new Pass(true, null);
    }

    /** Per-thread buffers, grown when needed, so a batch allocates no buffer of its own. */
    private static final class Scratch {
        private final MixedBatchPlanner planner = new MixedBatchPlanner();
        /** Keyed by batch size, negative for the plain session: no key object is built per batch. */
        private final Map<Integer, PinnedTensors> pinned = new LinkedHashMap<>(8, 0.75f, true);
        /**
         * The last pinned tensors used: consecutive batches mostly have one size, found without a map
         * lookup. Never an evicted one: eviction only follows a miss, which replaces it.
         */
        private PinnedTensors lastPinned;
        private int lastPinnedKey;
        private ByteBuffer input;
        private int[] floatBits = new int[0];
        /** Which frames of the chunk last assembled hold a NaN or an infinity, and how many. */
        private boolean[] nonFinite = new boolean[0];
        private int nonFiniteFrames;
        /** By layer index. */
        private LayerCounter[] counters = new LayerCounter[0];

        ByteBuffer input(int bytes) {
            if (input == null || input.capacity() < bytes) {
                input = ByteBuffer.allocateDirect(Integer.highestOneBit(Math.max(bytes, 64) - 1) << 1).order(ByteOrder.nativeOrder());
            }
            input.clear();
            input.limit(bytes);
            return input;
        }

        int[] floatBits(int count) {
            if (floatBits.length < count) {
                floatBits = new int[count];
            }
            return floatBits;
        }

        boolean[] nonFinite(int frames) {
            if (nonFinite.length < frames) {
                nonFinite = new boolean[frames];
            } else {
                Arrays.fill(nonFinite, 0, frames, false);
            }
            return nonFinite;
        }

        LayerCounter counter(int layer, String name) {
            if (layer >= counters.length) {
                counters = Arrays.copyOf(counters, layer + 1);
            }
            LayerCounter counter = counters[layer];
            if (counter == null) {
                counter = new LayerCounter(name);
                counters[layer] = counter;
            }
            return counter;
        }
    }

    /**
     * A layer's counter and the layout it last counted, and for which output: pinned outputs keep one
     * shape array per batch size, so the same array (compared by identity) and frame count mean the same layout.
     * A new array or count whose frame shape is the same keeps the layout object too: at 10% sampling, batches
     * split into runs of varying sizes, and working the layout out again for each (then comparing it field by
     * field in {@link BatchCounter#begin}) was a visible share of counting the few frames sampled.
     */
    private static final class LayerCounter {
        private final BatchCounter counter;
        private long[] dims;
        private int frames;
        private boolean splits;
        private long[] frameShape;
        private ActivationCounter.Layout layout;

        LayerCounter(String layer) {
            this.counter = new BatchCounter(layer);
        }

        void follow(long[] outputDims, int frameCount, boolean splitsBatch, ReluLayer layer) {
            int from = splitsBatch ? 1 : 0;
            if (layout == null || splitsBatch != splits
                    || !Arrays.equals(outputDims, from, outputDims.length, frameShape, 0, frameShape.length)) {
                frameShape = Arrays.copyOfRange(outputDims, from, outputDims.length);
                layout = ActivationCounter.Layout.of(frameShape, layer.unitAxis(frameShape.length));
                splits = splitsBatch;
            }
            dims = outputDims;
            frames = frameCount;
        }
    }

    /** One run on a zero frame where the frame shape is known: proves the model runs and learns its output shapes. */
    private void warmUp() throws EngineException {
        if (!layout.staticFrameShape()) {
            LOG.info("Model input '{}' has dynamic frame axes {}: shapes are checked on the first frames",
                    layout.input().name(), layout.describeFrameShape());
            return;
        }
        long[] dims = layout.frameDims();
        int elements = Math.toIntExact(Arrays.stream(dims).reduce(1, (a, b) -> a * b));
        Frame zero = Frame.newBuilder()
                .setSensorId("warm-up")
                .setFrameId(0)
                .setEventTime(Instant.EPOCH)
                .setShape(Arrays.stream(dims).mapToObj(d -> (int) d).toList())
                .setDtype(layout.input().isUint8() ? TensorType.UINT8 : TensorType.FLOAT32)
                .setData(ByteBuffer.allocate(elements * (layout.input().isUint8() ? 1 : Float.BYTES)))
                .build();
        OrtSession session = instrumentedSession != null ? instrumentedSession : plainSession;
        Set<String> requested = instrumentedSession != null ? instrumentedOutputs : plainOutputs;
        long[] inputShape = layout.batchAxis() ? prepend(1, dims) : dims;
        try (OnnxTensor input = tensor(assemble(List.of(zero), new int[] {0}, elements, null, scratchByThread.get()), inputShape);
             OrtSession.Result result = session.run(Map.of(layout.input().name(), input), requested)) {
            Map<String, long[]> frameShapes = new HashMap<>();
            Map<String, Boolean> batchAxes = new HashMap<>();
            boolean allFloat = true;
            for (Map.Entry<String, OnnxValue> entry : result) {
                OnnxTensor tensor = (OnnxTensor) entry.getValue();
                long[] shape = tensor.getInfo().getShape();
                long[] frameShape = splitsBatch(shape, 1) ? Arrays.copyOfRange(shape, 1, shape.length) : shape;
                frameShapes.put(entry.getKey(), frameShape);
                batchAxes.put(entry.getKey(), splitsBatch(shape, 1));
                allFloat &= tensor.getInfo().type == OnnxJavaType.FLOAT;
                if (decoder.outputs().contains(entry.getKey()) && tensor.getInfo().type != OnnxJavaType.FLOAT) {
                    throw new EngineException("Model output '" + entry.getKey() + "' is " + tensor.getInfo().type
                            + "; the decoder reads float outputs only");
                }
                boolean isLayer = layers.stream().anyMatch(l -> l.name().equals(entry.getKey()));
                if (isLayer && tensor.getInfo().type != OnnxJavaType.FLOAT) {
                    LOG.warn("ReLU layer '{}' is {}, not float: its sparsity is not measured", entry.getKey(), tensor.getInfo().type);
                } else if (isLayer) {
                    layerFrameShapes.put(entry.getKey(), frameShape);
                }
            }
            decoder.checkShapes(frameShapes);
            // An output whose leading dimension is 1 for a batch of 1 may still lack a batch axis; only dynamic-batch
            // models whose outputs all lead with the batch axis (or none) are pinned, and only float outputs.
            // Both sessions' outputs are known: the warm-up asked for the larger set.
            if (allFloat && layout.dynamicBatch() && frameShapes.keySet().containsAll(requested)) {
                outputHasBatchAxis = Map.copyOf(batchAxes);
                staticOutputFrameShapes = Map.copyOf(frameShapes);
            }
        } catch (OrtException e) {
            throw new EngineException("Model " + config.modelPath() + " failed a test run on a zero frame of shape "
                    + layout.describeFrameShape() + ": " + e.getMessage(), e);
        }
    }

    /** A pinned model must be the very file that was pinned: a swapped or damaged model must not serve silently. */
    private static void checkPin(EngineConfig config, ModelFile file) throws EngineException {
        if (config.modelSha256() != null && !config.modelSha256().equals(file.sha256())) {
            throw new EngineException("Model file " + file.path() + " has SHA-256 " + file.sha256() + " but model.sha256 expects "
                    + config.modelSha256() + ": the file was replaced or damaged; deploy the pinned model or update the pin");
        }
    }

    private static TensorSpec chooseInput(OnnxGraph graph, String inputName, ModelFile file) throws EngineException {
        List<TensorSpec> inputs = graph.inputs();
        List<String> names = inputs.stream().map(TensorSpec::name).toList();
        TensorSpec input;
        if (inputName != null) {
            input = graph.input(inputName).orElseThrow(() -> new EngineException(
                    "Input '" + inputName + "' does not exist in model " + file.path() + "; its inputs are " + names));
        } else if (inputs.size() == 1) {
            input = inputs.get(0);
        } else {
            throw new EngineException("Model " + file.path() + " has " + inputs.size() + " inputs " + names
                    + ": each frame feeds one tensor, so name the input to feed (input-name); models needing several inputs are not supported");
        }
        if (inputs.size() > 1) {
            throw new EngineException("Model " + file.path() + " needs inputs " + names + " but a frame feeds only '" + input.name()
                    + "'; models with several inputs are not supported");
        }
        if (!input.isFloat() && !input.isUint8()) {
            throw new EngineException("Model input '" + input.name() + "' is " + input.elemTypeName()
                    + "; ReluFlow feeds FLOAT or UINT8 inputs");
        }
        return input;
    }

    private static long[] prepend(long first, long[] rest) {
        long[] out = new long[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    private static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                LOG.warn("Closing an ONNX Runtime session failed: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        allPinned.forEach(PinnedTensors::close);
        allPinned.clear();
        closeQuietly(plainSession);
        closeQuietly(instrumentedSession);
    }
}
