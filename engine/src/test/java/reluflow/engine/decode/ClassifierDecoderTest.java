package reluflow.engine.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reluflow.avro.Detection;
import reluflow.engine.config.DecoderConfig.ScoreActivation;

class ClassifierDecoderTest {
    private static List<Detection> decode(ClassifierDecoder decoder, float... values) {
        return decoder.decode(Map.of("out", new TensorView(values, 0, new long[] {values.length})));
    }

    @Test
    void probabilitiesAreKeptAsTheyAre() {
        ClassifierDecoder decoder = new ClassifierDecoder("out", ScoreActivation.AUTO, 2, 0.0, Labels.none());
        assertThat(decode(decoder, 0.1f, 0.6f, 0.3f)).extracting(Detection::getClassIndex, Detection::getScore)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 0.6f), org.assertj.core.groups.Tuple.tuple(2, 0.3f));
    }

    @Test
    void logitsGoThroughSoftmaxAndTheThresholdFilters() {
        ClassifierDecoder decoder = new ClassifierDecoder("out", ScoreActivation.AUTO, 3, 0.2, Labels.none());
        List<Detection> detections = decode(decoder, 2f, 0f, 1f);
        double sum = Math.exp(2) + Math.exp(0) + Math.exp(1);
        assertThat(detections).hasSize(2);
        assertThat(detections.get(0).getScore()).isCloseTo((float) (Math.exp(2) / sum), within(1e-6f));
        assertThat(detections.get(1).getScore()).isCloseTo((float) (Math.exp(1) / sum), within(1e-6f));
    }

    @Test
    void sigmoidScoresEachClassOnItsOwn() {
        ClassifierDecoder decoder = new ClassifierDecoder("out", ScoreActivation.SIGMOID, 1, 0.0, Labels.none());
        assertThat(decode(decoder, -1f, 0f).get(0).getScore()).isCloseTo(0.5f, within(1e-6f));
    }

    @Test
    void aFrameReadsOnlyItsOwnSliceOfTheBatchOutput() {
        ClassifierDecoder decoder = new ClassifierDecoder("out", ScoreActivation.SOFTMAX, 2, 0.0, Labels.none());
        // Three frames of 3 classes; the middle frame's largest logit is its class 0, the batch's largest is elsewhere.
        float[] batch = {0f, 0f, 9f, 3f, 1f, 2f, 8f, 0f, 0f};
        List<Detection> detections = decoder.decode(Map.of("out", new TensorView(batch, 3, new long[] {3})));
        double sum = Math.exp(3) + Math.exp(1) + Math.exp(2);
        assertThat(detections).extracting(Detection::getClassIndex).containsExactly(0, 2);
        assertThat(detections.get(0).getScore()).isCloseTo((float) (Math.exp(3) / sum), within(1e-6f));
        assertThat(detections.get(1).getScore()).isCloseTo((float) (Math.exp(2) / sum), within(1e-6f));
    }

    @Test
    void aNonFiniteOutputYieldsNoDetection() {
        ClassifierDecoder top1 = new ClassifierDecoder("out", ScoreActivation.AUTO, 1, 0.0, Labels.none());
        ClassifierDecoder top3 = new ClassifierDecoder("out", ScoreActivation.SOFTMAX, 3, 0.0, Labels.none());
        assertThat(decode(top1, 1f, Float.NaN, 2f)).isEmpty();
        assertThat(decode(top3, Float.NaN, 1f, 2f)).isEmpty();
    }

    @Test
    void topOneAgreesWithTheGeneralPath() {
        java.util.Random random = new java.util.Random(11);
        for (ScoreActivation activation : ScoreActivation.values()) {
            for (int trial = 0; trial < 5_000; trial++) {
                int classes = 1 + random.nextInt(12);
                float[] values = new float[classes];
                int kind = trial % 5;
                float total = 0;
                for (int c = 0; c < classes; c++) {
                    values[c] = switch (kind) {
                        case 0 -> random.nextFloat();                        // in [0,1], not summing to 1
                        case 1 -> (float) random.nextInt(3);                 // ties
                        case 2 -> random.nextFloat() * 40 - 20;              // logits
                        case 3 -> c == random.nextInt(classes) ? Float.NaN : random.nextFloat();
                        default -> random.nextFloat();
                    };
                    total += values[c];
                }
                if (kind == 4) {
                    for (int c = 0; c < classes; c++) {
                        values[c] /= total;                                  // probabilities
                    }
                }
                double minScore = trial % 3 == 0 ? 0.0 : random.nextDouble();
                ClassifierDecoder top1 = new ClassifierDecoder("out", activation, 1, minScore, Labels.none());
                // Asking for every class takes the general path; its first detection is the top-1.
                ClassifierDecoder all = new ClassifierDecoder("out", activation, classes + 1, minScore, Labels.none());
                List<Detection> expected = decode(all, values);
                assertThat(decode(top1, values)).as("%s %s min %s", activation, java.util.Arrays.toString(values), minScore)
                        .isEqualTo(expected.isEmpty() ? List.of() : List.of(expected.get(0)));
            }
        }
    }

    @Test
    void aBatchDecodesLikeItsFramesOneByOne() {
        java.util.Random random = new java.util.Random(23);
        for (ScoreActivation activation : ScoreActivation.values()) {
            for (int trial = 0; trial < 2_000; trial++) {
                int classes = 1 + random.nextInt(12);
                int frames = 1 + random.nextInt(40);
                float[] values = new float[frames * classes];
                for (int f = 0; f < frames; f++) {
                    // Each frame its own kind, so one batch mixes logits, probabilities, ties and NaNs.
                    int kind = random.nextInt(6);
                    float total = 0;
                    for (int c = 0; c < classes; c++) {
                        float v = switch (kind) {
                            case 0 -> random.nextFloat();
                            case 1 -> (float) random.nextInt(3);
                            case 2 -> random.nextFloat() * 40 - 20;
                            case 3 -> c == random.nextInt(classes) ? Float.NaN : random.nextFloat();
                            case 4 -> c == 0 ? Float.POSITIVE_INFINITY : random.nextFloat();
                            default -> random.nextFloat() + 1e-3f;
                        };
                        values[f * classes + c] = v;
                        total += v;
                    }
                    if (kind == 5) {
                        for (int c = 0; c < classes; c++) {
                            values[f * classes + c] /= total;
                        }
                    }
                }
                double minScore = trial % 3 == 0 ? 0.0 : random.nextDouble();
                int topK = trial % 4 == 0 ? 2 : 1;
                ClassifierDecoder decoder = new ClassifierDecoder("out", activation, topK, minScore, Labels.none());
                // ONNX Runtime's own buffers are direct: the batch is read from one, the frames from heap views.
                java.nio.FloatBuffer direct = java.nio.ByteBuffer.allocateDirect(values.length * 4)
                        .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer().put(values);
                BatchOutputs batch = new BatchOutputs(new String[] {"out"}, new java.nio.FloatBuffer[] {direct},
                        new int[] {classes}, new int[] {classes}, new long[][] {{classes}}, frames);
                List<List<Detection>> decoded = decoder.decodeBatch(batch);
                assertThat(decoded).hasSize(frames);
                for (int f = 0; f < frames; f++) {
                    assertThat(decoded.get(f)).as("%s top %d frame %d of %s min %s", activation, topK, f,
                                    java.util.Arrays.toString(values), minScore)
                            .isEqualTo(decoder.decode(Map.of("out", new TensorView(values, f * classes, new long[] {classes}))));
                }
            }
        }
    }

    @Test
    void anOutputWithoutTheBatchAxisGivesEveryFrameTheSameDetections() {
        ClassifierDecoder decoder = new ClassifierDecoder("out", ScoreActivation.NONE, 1, 0.0, Labels.none());
        BatchOutputs batch = new BatchOutputs(new String[] {"out"}, new java.nio.FloatBuffer[] {java.nio.FloatBuffer.wrap(new float[] {0.2f, 0.7f})},
                new int[] {0}, new int[] {2}, new long[][] {{2}}, 3);
        assertThat(decoder.decodeBatch(batch)).hasSize(3)
                .allSatisfy(detections -> assertThat(detections).extracting(Detection::getClassIndex, Detection::getScore)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 0.7f)));
    }
}
