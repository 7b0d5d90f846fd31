package reluflow.engine.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reluflow.avro.Detection;
import reluflow.avro.ErrorKind;
import reluflow.avro.Frame;
import reluflow.engine.EngineException;
import reluflow.engine.Frames;
import reluflow.engine.TinyModel;
import reluflow.engine.config.DecoderConfig;
import reluflow.engine.config.EngineConfig;
import reluflow.engine.config.ExecutionProvider;
import reluflow.engine.sparsity.LayerActivity;

class InferenceEngineTest {
    private static final int[] THREE = {3};

    @TempDir
    Path dir;

    private InferenceEngine open(TinyModel model) throws EngineException {
        return InferenceEngine.open(EngineConfig.defaults(model.writeTo(dir, "model.onnx")).withProvider(ExecutionProvider.CPU));
    }

    private static FrameResult inferred(FrameOutcome outcome) {
        assertThat(outcome).isInstanceOf(FrameOutcome.Inferred.class);
        return ((FrameOutcome.Inferred) outcome).result();
    }

    private static FrameRejection rejected(FrameOutcome outcome) {
        assertThat(outcome).isInstanceOf(FrameOutcome.Rejected.class);
        return ((FrameOutcome.Rejected) outcome).rejection();
    }

    @Test
    void gemmReluGivesHandComputedClassesAndZeroFractions() throws Exception {
        try (InferenceEngine engine = open(TinyModel.gemmRelu())) {
            List<FrameOutcome> out = engine.infer(List.of(
                    Frames.floats(1, THREE, 1, 2, 3),
                    Frames.floats(2, THREE, -1, -1, -1)));

            FrameResult first = inferred(out.get(0));
            // hidden = relu([1, 2, -6, -97]) = [1, 2, 0, 0]; logits = [1, 2]
            assertThat(first.detections()).hasSize(1);
            assertThat(first.detections().get(0).getClassIndex()).isEqualTo(1);
            assertThat(first.detections().get(0).getScore()).isCloseTo((float) (Math.exp(2) / (Math.exp(1) + Math.exp(2))), within(1e-5f));
            LayerActivity hidden = first.layers().get(0);
            assertThat(hidden.layer()).isEqualTo("hidden");
            assertThat(hidden.units()).isEqualTo(4);
            assertThat(hidden.zeroFraction()).isEqualTo(0.5f);
            assertThat(hidden.fired(0)).isTrue();
            assertThat(hidden.fired(1)).isTrue();
            assertThat(hidden.fired(2)).isFalse();
            assertThat(hidden.fired(3)).isFalse();
            assertThat(first.batchSize()).isEqualTo(2);

            FrameResult second = inferred(out.get(1));
            // hidden = relu([-1, -1, 3, -101]) = [0, 0, 3, 0]; logits = [3, 0]
            assertThat(second.detections().get(0).getClassIndex()).isEqualTo(0);
            assertThat(second.detections().get(0).getScore()).isCloseTo((float) (Math.exp(3) / (Math.exp(3) + 1)), within(1e-5f));
            assertThat(second.layers().get(0).zeroFraction()).isEqualTo(0.75f);
            assertThat(second.layers().get(0).fired(2)).isTrue();
        }
    }

    @Test
    void matMulAddReluMatchesGemmRelu() throws Exception {
        List<Frame> frames = randomFrames(40, 7);
        try (InferenceEngine gemm = open(TinyModel.gemmRelu());
             InferenceEngine matMul = InferenceEngine.open(EngineConfig.defaults(TinyModel.matMulAddRelu().writeTo(dir, "mm.onnx"))
                     .withProvider(ExecutionProvider.CPU))) {
            assertThat(matMul.layers()).extracting(l -> l.name() + "<-" + l.producerOpType()).containsExactly("hidden<-Add");
            List<FrameOutcome> a = gemm.infer(frames);
            List<FrameOutcome> b = matMul.infer(frames);
            for (int i = 0; i < frames.size(); i++) {
                assertThat(inferred(b.get(i)).detections()).isEqualTo(inferred(a.get(i)).detections());
                assertThat(inferred(b.get(i)).layers().get(0).zeroFraction()).isEqualTo(inferred(a.get(i)).layers().get(0).zeroFraction());
            }
        }
    }

    @Test
    void convReluCountsChannelsAsUnits() throws Exception {
        try (InferenceEngine engine = open(TinyModel.convRelu())) {
            FrameResult r = inferred(engine.infer(List.of(Frames.floats(1, new int[] {1, 2, 2}, 0.2f, 0.8f, 1.0f, 0.0f))).get(0));
            LayerActivity features = r.layers().get(0);
            // c0 = relu(x) = [.2,.8,1,0]; c1 = relu(-x) = 0; c2 = relu(x-.5) = [0,.3,.5,0] -> 7 zeros of 12
            assertThat(features.units()).isEqualTo(3);
            assertThat(features.activations()).isEqualTo(12);
            assertThat(features.zeros()).isEqualTo(7);
            assertThat(features.fired(0)).isTrue();
            assertThat(features.fired(1)).isFalse();
            assertThat(features.fired(2)).isTrue();
            assertThat(r.detections().get(0).getClassIndex()).isEqualTo(2);
            assertThat(engine.description().layers().get(0).units()).isEqualTo(3);
            assertThat(engine.description().layers().get(0).unitAxis()).isEqualTo(0);
        }
    }

    @Test
    void clipAtZeroIsAReluLayerAndOtherClipsAreNot() throws Exception {
        try (InferenceEngine engine = open(TinyModel.clipRelu6())) {
            assertThat(engine.layers()).extracting(l -> l.name()).containsExactly("relu6");
            FrameResult r = inferred(engine.infer(List.of(Frames.floats(1, new int[] {4}, -2, 0, 3, 9))).get(0));
            // relu6 = [0, 0, 3, 6]
            assertThat(r.layers().get(0).zeroFraction()).isEqualTo(0.5f);
            assertThat(r.layers().get(0).units()).isEqualTo(4);
        }
    }

    @Test
    void uint8FramesAreScaledBeforeInference() throws Exception {
        try (InferenceEngine engine = open(TinyModel.convRelu())) {
            List<FrameOutcome> out = engine.infer(List.of(
                    Frames.uint8(1, new int[] {1, 2, 2}, 51, 204, 255, 0),
                    Frames.floats(2, new int[] {1, 2, 2}, 0.2f, 0.8f, 1.0f, 0.0f)));
            assertThat(inferred(out.get(0)).layers().get(0).zeros()).isEqualTo(7);
            assertThat(inferred(out.get(0)).detections().get(0).getScore())
                    .isCloseTo(inferred(out.get(1)).detections().get(0).getScore(), within(1e-6f));
        }
    }

    @Test
    void uint8ScaleAndOffsetAreConfigurable() throws Exception {
        Path model = TinyModel.clipRelu6().writeTo(dir, "clip.onnx");
        EngineConfig config = EngineConfig.defaults(model).withProvider(ExecutionProvider.CPU).withUint8Scaling(1f, -100f);
        try (InferenceEngine engine = InferenceEngine.open(config)) {
            // 98 - 100 = -2, 100 - 100 = 0, 103 - 100 = 3, 109 - 100 = 9 -> relu6 [0, 0, 3, 6]
            FrameResult r = inferred(engine.infer(List.of(Frames.uint8(1, new int[] {4}, 98, 100, 103, 109))).get(0));
            assertThat(r.layers().get(0).zeros()).isEqualTo(2);
        }
    }

    @Test
    void eachFrameOfABatchIsCheckedFiniteAfterScalingAndOnlyTheBadOnesAreRejected() throws Exception {
        Path model = TinyModel.clipRelu6().writeTo(dir, "clip-huge-scale.onnx");
        // Finite, as configuration requires, yet 255 * scale overflows to infinity: only a byte of 255 does.
        EngineConfig config = EngineConfig.defaults(model).withProvider(ExecutionProvider.CPU).withUint8Scaling(Float.MAX_VALUE / 2, 0f);
        try (InferenceEngine engine = InferenceEngine.open(config)) {
            List<FrameOutcome> out = engine.infer(List.of(
                    Frames.uint8(1, new int[] {4}, 0, 1, 0, 0),
                    Frames.uint8(2, new int[] {4}, 0, 0, 0, 255),
                    Frames.floats(3, new int[] {4}, 1, 2, 3, Float.NaN),
                    Frames.floats(4, new int[] {4}, Float.NEGATIVE_INFINITY, 2, 3, 4),
                    Frames.uint8(5, new int[] {4}, 0, 0, 0, 0)));
            assertThat(inferred(out.get(0)).layers().get(0).zeros()).isEqualTo(3);
            assertThat(rejected(out.get(1))).isEqualTo(new FrameRejection(ErrorKind.NON_FINITE, "value Infinity at element 3 is not finite"));
            assertThat(rejected(out.get(2))).isEqualTo(new FrameRejection(ErrorKind.NON_FINITE, "value NaN at element 3 is not finite"));
            assertThat(rejected(out.get(3))).isEqualTo(new FrameRejection(ErrorKind.NON_FINITE, "value -Infinity at element 0 is not finite"));
            assertThat(inferred(out.get(4)).layers().get(0).zeros()).isEqualTo(4);
        }
    }

    @Test
    void batchGivesTheSameResultsAsFrameByFrame() throws Exception {
        List<Frame> frames = randomFrames(64, 11);
        try (InferenceEngine engine = open(TinyModel.gemmRelu())) {
            List<FrameOutcome> batched = engine.infer(frames);
            for (int i = 0; i < frames.size(); i++) {
                FrameResult single = inferred(engine.infer(List.of(frames.get(i))).get(0));
                FrameResult inBatch = inferred(batched.get(i));
                assertThat(inBatch.frame()).isSameAs(frames.get(i));
                assertThat(inBatch.detections()).isEqualTo(single.detections());
                assertThat(inBatch.layers().get(0).zeros()).isEqualTo(single.layers().get(0).zeros());
                assertThat(inBatch.batchSize()).isEqualTo(64);
                assertThat(single.batchSize()).isEqualTo(1);
            }
        }
    }

    /**
     * More batch sizes than a thread keeps pinned tensors for, up and down again: every batch runs whole
     * (a closed or mis-sized pinned tensor would fail in ONNX Runtime and show as a retry frame by frame)
     * and gives the frame-by-frame results, whatever tensors were evicted and re-made in between.
     */
    @Test
    void batchesOfManySizesRunWholeThroughEvictedAndRemadePinnedTensors() throws Exception {
        List<Frame> frames = randomFrames(40, 13);
        try (InferenceEngine engine = open(TinyModel.gemmRelu())) {
            List<FrameResult> single = new ArrayList<>();
            for (Frame frame : frames) {
                single.add(inferred(engine.infer(List.of(frame)).get(0)));
            }
            List<Integer> sizes = new ArrayList<>();
            for (int size = 1; size <= 40; size++) {
                sizes.add(size);
            }
            for (int size = 40; size >= 1; size--) {
                sizes.add(size);
                sizes.add(size);
            }
            for (int size : sizes) {
                List<FrameOutcome> out = engine.infer(frames.subList(0, size));
                for (int i = 0; i < size; i++) {
                    FrameResult result = inferred(out.get(i));
                    assertThat(result.batchSize()).as("batch of %d", size).isEqualTo(size);
                    assertThat(result.detections()).isEqualTo(single.get(i).detections());
                    assertThat(result.layers()).usingRecursiveFieldByFieldElementComparator().isEqualTo(single.get(i).layers());
                }
            }
        }
    }

    @Test
    void fixedBatchOfOneModelRunsFrameByFrame() throws Exception {
        TinyModel fixed = TinyModel.fixedBatchMatMulRelu();
        try (InferenceEngine engine = open(fixed)) {
            List<FrameOutcome> out = engine.infer(List.of(Frames.floats(1, THREE, 1, -1, 0), Frames.floats(2, THREE, -1, 5, 0)));
            assertThat(inferred(out.get(0)).batchSize()).isEqualTo(1);
            assertThat(inferred(out.get(0)).detections().get(0).getClassIndex()).isEqualTo(0);
            assertThat(inferred(out.get(1)).detections().get(0).getClassIndex()).isEqualTo(1);
            assertThat(inferred(out.get(0)).layers().get(0).zeroFraction()).isEqualTo(0.5f);
        }
    }

    @Test
    void badFramesAreRejectedWithPreciseReasonsAndNeverFailTheirBatch() throws Exception {
        Path model = TinyModel.gemmRelu().writeTo(dir, "model.onnx");
        EngineConfig config = EngineConfig.defaults(model).withProvider(ExecutionProvider.CPU).withMaxFrameBytes(64);
        try (InferenceEngine engine = InferenceEngine.open(config)) {
            List<FrameOutcome> out = engine.infer(List.of(
                    Frames.floats(1, THREE, 1, 2, 3),
                    Frames.floats(2, new int[] {4}, 1, 2, 3, 4),
                    Frames.floats(3, THREE, 1, 2),
                    Frames.floats(4, new int[] {-3}, 1, 2, 3),
                    Frames.floats(5, THREE, 1, Float.NaN, 3),
                    Frames.floats(6, THREE, 1, Float.POSITIVE_INFINITY, 3),
                    Frames.floats(7, new int[] {17}, new float[17]),
                    Frames.floats(8, new int[] {Integer.MAX_VALUE, 2}, 1, 2, 3),
                    Frames.floats(9, THREE, 3, 2, 1)));
            assertThat(out).hasSize(9);
            inferred(out.get(0));
            assertThat(rejected(out.get(1))).isEqualTo(new FrameRejection(ErrorKind.SHAPE_MISMATCH,
                    "frame shape [4] does not match model input 'x' [?,3], which expects frames of shape [3]"));
            assertThat(rejected(out.get(2))).isEqualTo(new FrameRejection(ErrorKind.SHAPE_MISMATCH,
                    "data has 8 bytes but shape [3] of FLOAT32 needs 12"));
            assertThat(rejected(out.get(3))).isEqualTo(new FrameRejection(ErrorKind.SHAPE_MISMATCH,
                    "shape [-3] has a non-positive dimension -3 at axis 0"));
            assertThat(rejected(out.get(4))).isEqualTo(new FrameRejection(ErrorKind.NON_FINITE, "value NaN at element 1 is not finite"));
            assertThat(rejected(out.get(5))).isEqualTo(new FrameRejection(ErrorKind.NON_FINITE, "value Infinity at element 1 is not finite"));
            assertThat(rejected(out.get(6))).isEqualTo(new FrameRejection(ErrorKind.TOO_LARGE,
                    "frame data is 68 bytes, over the limit of 64 bytes (max-frame-bytes)"));
            assertThat(rejected(out.get(7)).kind()).isEqualTo(ErrorKind.TOO_LARGE);
            assertThat(inferred(out.get(8)).detections().get(0).getClassIndex()).isEqualTo(0);
            assertThat(out).extracting(FrameOutcome::frame).extracting(Frame::getFrameId).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        }
    }

    @Test
    void floatFramesCannotFeedAUint8Model() throws Exception {
        TinyModel uint8 = TinyModel.create()
                .uint8Input("pixels", -1, 4)
                .node("Cast", "pixels", "as_float", TinyModel.intAttr("to", 1))
                .node("Relu", "as_float", "out")
                .output("out", -1, 4);
        try (InferenceEngine engine = open(uint8)) {
            List<FrameOutcome> out = engine.infer(List.of(Frames.uint8(1, new int[] {4}, 0, 1, 2, 200), Frames.floats(2, new int[] {4}, 0, 1, 2, 3)));
            FrameResult ok = inferred(out.get(0));
            assertThat(ok.detections().get(0).getClassIndex()).isEqualTo(3);
            assertThat(ok.layers().get(0).zeroFraction()).isEqualTo(0.25f);
            assertThat(rejected(out.get(1))).isEqualTo(new FrameRejection(ErrorKind.DTYPE_MISMATCH,
                    "frame dtype FLOAT32 cannot feed model input 'pixels' of type UINT8"));
        }
    }

    @Test
    void framesThatOnnxRuntimeRejectsBecomeInferenceErrorsAndTheRestOfTheBatchIsServed() throws Exception {
        TinyModel dynamicFeatures = TinyModel.create()
                .input("x", -1, -1)
                .weights("W", new long[] {3, 2}, 1, 0, 0, 1, 0, 0)
                .node("MatMul", new String[] {"x", "W"}, new String[] {"mm"})
                .node("Relu", "mm", "out")
                .output("out", -1, 2);
        try (InferenceEngine engine = open(dynamicFeatures)) {
            List<FrameOutcome> out = engine.infer(List.of(
                    Frames.floats(1, THREE, 1, 2, 3),
                    Frames.floats(2, new int[] {5}, 1, 2, 3, 4, 5),
                    Frames.floats(3, THREE, 4, 2, 3)));
            assertThat(inferred(out.get(0)).detections().get(0).getClassIndex()).isEqualTo(1);
            assertThat(inferred(out.get(2)).detections().get(0).getClassIndex()).isEqualTo(0);
            FrameRejection failure = rejected(out.get(1));
            assertThat(failure.kind()).isEqualTo(ErrorKind.INFERENCE_ERROR);
            assertThat(failure.message()).startsWith("ONNX Runtime failed on this frame:");
        }
    }

    @Test
    void samplingMeasuresADeterministicFractionOfFrames() throws Exception {
        Path model = TinyModel.gemmRelu().writeTo(dir, "model.onnx");
        List<Frame> frames = randomFrames(2000, 3);
        EngineConfig config = EngineConfig.defaults(model).withProvider(ExecutionProvider.CPU).withSampleRate(0.1);
        try (InferenceEngine engine = InferenceEngine.open(config);
             InferenceEngine everyFrame = open(TinyModel.gemmRelu())) {
            List<FrameOutcome> first = engine.infer(frames);
            List<FrameOutcome> again = engine.infer(frames);
            List<FrameOutcome> reference = everyFrame.infer(frames);
            long measured = first.stream().filter(o -> !inferred(o).layers().isEmpty()).count();
            assertThat(measured).isBetween(150L, 250L);
            for (int i = 0; i < frames.size(); i++) {
                assertThat(inferred(again.get(i)).layers().isEmpty()).isEqualTo(inferred(first.get(i)).layers().isEmpty());
                assertThat(inferred(first.get(i)).layers().isEmpty()).isEqualTo(!engine.isSampled(frames.get(i)));
                // Plain and instrumented sessions give the same detections.
                assertThat(inferred(first.get(i)).detections()).isEqualTo(inferred(reference.get(i)).detections());
            }
        }
    }

    @Test
    void batchesMixingSampledAndUnsampledFramesCountExactlyTheSampledOnesWhicheverWayTheyRun() throws Exception {
        Path model = TinyModel.gemmRelu().writeTo(dir, "model.onnx");
        List<Frame> frames = new ArrayList<>(randomFrames(3200, 5));
        // A non-finite frame in some batches: it is rejected on its own under either plan.
        for (int i = 17; i < frames.size(); i += 401) {
            frames.set(i, Frames.floats(frames.get(i).getFrameId(), THREE, 1, Float.NaN, 3));
        }
        EngineConfig config = EngineConfig.defaults(model).withProvider(ExecutionProvider.CPU).withSampleRate(0.3);
        try (InferenceEngine engine = InferenceEngine.open(config);
             InferenceEngine everyFrame = open(TinyModel.gemmRelu())) {
            // 100 batches of 32: the planner runs the split plan, the merged plan, then explores the other now and then.
            List<FrameOutcome> out = new ArrayList<>();
            for (int from = 0; from < frames.size(); from += 32) {
                out.addAll(engine.infer(frames.subList(from, from + 32)));
            }
            List<FrameOutcome> reference = everyFrame.infer(frames);
            for (int i = 0; i < frames.size(); i++) {
                if (reference.get(i) instanceof FrameOutcome.Rejected expected) {
                    assertThat(rejected(out.get(i))).isEqualTo(expected.rejection());
                    continue;
                }
                FrameResult result = inferred(out.get(i));
                FrameResult measuredEverywhere = inferred(reference.get(i));
                assertThat(result.detections()).isEqualTo(measuredEverywhere.detections());
                if (engine.isSampled(frames.get(i))) {
                    assertThat(result.layers()).usingRecursiveFieldByFieldElementComparator().isEqualTo(measuredEverywhere.layers());
                } else {
                    assertThat(result.layers()).isEmpty();
                }
            }
        }
    }

    @Test
    void labelsComeFromALabelsFile() throws Exception {
        Path model = TinyModel.gemmRelu().writeTo(dir, "model.onnx");
        Path labels = Files.writeString(dir.resolve("labels.txt"), "cold\nhot\n");
        EngineConfig config = EngineConfig.defaults(model).withProvider(ExecutionProvider.CPU)
                .withDecoder(DecoderConfig.fromModel().withLabelsFile(labels).withTopK(2));
        try (InferenceEngine engine = InferenceEngine.open(config)) {
            List<Detection> detections = inferred(engine.infer(List.of(Frames.floats(1, THREE, 1, 2, 3))).get(0)).detections();
            assertThat(detections).extracting(Detection::getLabel).containsExactly("hot", "cold");
        }
    }

    @Test
    void startUpErrorsSayWhatToFix() throws Exception {
        Path model = TinyModel.gemmRelu().writeTo(dir, "model.onnx");
        EngineConfig cpu = EngineConfig.defaults(model).withProvider(ExecutionProvider.CPU);

        assertThatThrownBy(() -> InferenceEngine.open(EngineConfig.defaults(dir.resolve("missing.onnx"))))
                .isInstanceOf(EngineException.class).hasMessageContaining("missing.onnx does not exist");

        byte[] garbage = new byte[4096];
        new Random(1).nextBytes(garbage);
        Path corrupt = Files.write(dir.resolve("corrupt.onnx"), garbage);
        assertThatThrownBy(() -> InferenceEngine.open(EngineConfig.defaults(corrupt)))
                .isInstanceOf(EngineException.class).hasMessageContaining("corrupt.onnx is not");

        Path truncated = Files.write(dir.resolve("truncated.onnx"), java.util.Arrays.copyOf(Files.readAllBytes(model), 100));
        assertThatThrownBy(() -> InferenceEngine.open(EngineConfig.defaults(truncated)))
                .isInstanceOf(EngineException.class).hasMessageContaining("truncated.onnx");

        assertThatThrownBy(() -> InferenceEngine.open(cpu.withInputName("pixels")))
                .isInstanceOf(EngineException.class).hasMessage("Input 'pixels' does not exist in model " + model + "; its inputs are [x]");

        Path threeLabels = Files.writeString(dir.resolve("three.txt"), "a\nb\nc\n");
        assertThatThrownBy(() -> InferenceEngine.open(cpu.withDecoder(DecoderConfig.fromModel().withLabelsFile(threeLabels))))
                .isInstanceOf(EngineException.class)
                .hasMessage("The labels file " + threeLabels + " has 3 labels but the model outputs 2 classes: give one label per class, in class order");

        assertThatThrownBy(() -> InferenceEngine.open(cpu.withDecoder(DecoderConfig.fromModel().withClassifierOutput("probs"))))
                .isInstanceOf(EngineException.class).hasMessageContaining("'probs' is not an output of the model; its outputs are [logits]");

        assertThatThrownBy(() -> InferenceEngine.open(cpu.withSampleRate(1.5)))
                .isInstanceOf(EngineException.class).hasMessage("sample-rate must be within [0, 1], got 1.5");

        if (!ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA)) {
            assertThatThrownBy(() -> InferenceEngine.open(cpu.withProvider(ExecutionProvider.CUDA)))
                    .isInstanceOf(EngineException.class).hasMessageContaining("no CUDA execution provider: build with -Pgpu");
        }
    }

    /**
     * The GPU build (-Pgpu) on any machine: where CUDA starts, the CUDA engine gives the CPU engine's classes
     * and sparsity; where it cannot (no GPU, or no CUDA 12 / cuDNN 9 libraries for ONNX Runtime's package),
     * provider=cuda fails at start-up saying what to fix and provider=auto runs on the CPU. In the CPU build,
     * both cuda and auto behave as documented for a build without the provider.
     */
    @Test
    void cudaRunsLikeTheCpuOrSaysWhyItCannot() throws Exception {
        Path model = TinyModel.gemmRelu().writeTo(dir, "model.onnx");
        EngineConfig config = EngineConfig.defaults(model);
        List<Frame> frames = randomFrames(40, 17);
        boolean cudaBuilt = ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA);
        InferenceEngine cuda = null;
        try {
            cuda = InferenceEngine.open(config.withProvider(ExecutionProvider.CUDA));
        } catch (EngineException e) {
            assertThat(e).hasMessageContaining(cudaBuilt
                    ? "the CUDA execution provider failed to start"
                    : "no CUDA execution provider: build with -Pgpu");
            assertThat(e).hasMessageContaining("provider=cpu");
        }
        try (InferenceEngine cpu = InferenceEngine.open(config.withProvider(ExecutionProvider.CPU));
             InferenceEngine auto = InferenceEngine.open(config.withProvider(ExecutionProvider.AUTO))) {
            assertThat(auto.description().provider()).isEqualTo(cuda != null ? ExecutionProvider.CUDA : ExecutionProvider.CPU);
            if (cuda != null) {
                assertThat(cuda.description().provider()).isEqualTo(ExecutionProvider.CUDA);
                List<FrameOutcome> onCpu = cpu.infer(frames);
                List<FrameOutcome> onGpu = cuda.infer(frames);
                for (int i = 0; i < frames.size(); i++) {
                    Detection expected = inferred(onCpu.get(i)).detections().get(0);
                    Detection actual = inferred(onGpu.get(i)).detections().get(0);
                    assertThat(actual.getClassIndex()).isEqualTo(expected.getClassIndex());
                    assertThat(actual.getScore()).isCloseTo(expected.getScore(), within(1e-4f));
                    assertThat(inferred(onGpu.get(i)).layers().get(0).zeros()).isEqualTo(inferred(onCpu.get(i)).layers().get(0).zeros());
                }
            }
        } finally {
            if (cuda != null) {
                cuda.close();
            }
        }
    }

    @Test
    void aModelWithoutReluLayersRunsAndReportsNoLayers() throws Exception {
        TinyModel linear = TinyModel.create()
                .input("x", -1, 3)
                .weights("W", new long[] {3, 2}, 1, 0, 0, 1, 0, 0)
                .node("MatMul", new String[] {"x", "W"}, new String[] {"y"})
                .output("y", -1, 2);
        try (InferenceEngine engine = open(linear)) {
            assertThat(engine.layers()).isEmpty();
            FrameResult r = inferred(engine.infer(List.of(Frames.floats(1, THREE, 1, 5, 0))).get(0));
            assertThat(r.layers()).isEmpty();
            assertThat(r.detections().get(0).getClassIndex()).isEqualTo(1);
        }
    }

    @Test
    void identityIsStampedOnRecords() throws Exception {
        Path model = TinyModel.gemmRelu().writeTo(dir, "tiny.onnx");
        try (InferenceEngine engine = InferenceEngine.open(EngineConfig.defaults(model).withProvider(ExecutionProvider.CPU))) {
            FrameResult r = inferred(engine.infer(List.of(Frames.floats(1, THREE, 1, 2, 3))).get(0));
            var record = engine.toRecord(r, java.time.Instant.ofEpochMilli(5));
            assertThat(record.getModel().getName()).isEqualTo("tiny");
            assertThat(record.getModel().getSha256()).isEqualTo(
                    java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(model))));
            assertThat(record.getLayerSparsity()).containsEntry("hidden", 0.5f);
            assertThat(record.getFrameId()).isEqualTo(1L);
        }
    }

    private static List<Frame> randomFrames(int count, long seed) {
        Random random = new Random(seed);
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            frames.add(Frames.floats(i, THREE, random.nextFloat() * 4 - 2, random.nextFloat() * 4 - 2, random.nextFloat() * 4 - 2));
        }
        return frames;
    }
}
