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
    void topOneReadInPlaceAgreesWithTheGeneralPath() {
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
}
