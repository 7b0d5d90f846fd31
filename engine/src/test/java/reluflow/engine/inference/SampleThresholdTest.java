package reluflow.engine.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The integer threshold samples exactly the frames the fraction comparison it replaced sampled. */
class SampleThresholdTest {

    @Test
    void integerThresholdDecidesLikeTheFractionOfTwoToThe53() {
        SplittableRandom random = new SplittableRandom(7);
        double[] rates = {1e-9, 0.001, 0.01, 0.1, 0.25, 1.0 / 3, 0.5, 0.9, 0.999999, Math.nextDown(1.0), random.nextDouble()};
        for (double rate : rates) {
            long threshold = InferenceEngine.sampleThreshold(rate);
            // Hash values around the threshold, where a rounding slip would show, and spread over the whole range.
            for (long x = Math.max(0, threshold - 3); x <= Math.min((1L << 53) - 1, threshold + 3); x++) {
                assertThat(x < threshold).as("rate %s, x %d", rate, x).isEqualTo(x * 0x1.0p-53 < rate);
            }
            for (int i = 0; i < 100_000; i++) {
                long x = random.nextLong() >>> 11;
                assertThat(x < threshold).as("rate %s, x %d", rate, x).isEqualTo(x * 0x1.0p-53 < rate);
            }
        }
    }

    @Test
    void rateOneSamplesEveryHashAndRateZeroNone() {
        assertThat(((1L << 53) - 1) < InferenceEngine.sampleThreshold(1.0)).isTrue();
        assertThat(0L < InferenceEngine.sampleThreshold(0.0)).isFalse();
    }
}
