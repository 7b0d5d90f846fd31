package reluflow.engine.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reluflow.avro.Detection;
import reluflow.engine.config.DecoderConfig.ScoreActivation;

class ClassifierDecoderTest {
    private static List<Detection> decode(ClassifierDecoder decoder, float... values) {
        return decoder.decode(Map.of("out", new TensorView(FloatBuffer.wrap(values), 0, new long[] {values.length})));
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
}
