package reluflow.engine.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FloatExpTest {

    @Test
    void matchesMathExpToFloatPrecisionAcrossTheRange() {
        Random random = new Random(7);
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            float x = -87f + random.nextFloat() * (88.5f + 87f);
            double exact = Math.exp(x);
            double relative = Math.abs(FloatExp.exp(x) - exact) / exact;
            worst = Math.max(worst, relative);
        }
        // A float carries 24 bits: one unit in the last place is 2^-23 ~ 1.2e-7 relative.
        assertThat(worst).isLessThan(3e-7);
    }

    @Test
    void handlesTheEdges() {
        assertThat(FloatExp.exp(0f)).isEqualTo(1f);
        assertThat(FloatExp.exp(-100f)).isZero();
        assertThat(FloatExp.exp(Float.NEGATIVE_INFINITY)).isZero();
        assertThat(FloatExp.exp(100f)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(FloatExp.exp(Float.NaN)).isNaN();
        assertThat((double) FloatExp.exp(88.7f)).isCloseTo(Math.exp(88.7f), org.assertj.core.api.Assertions.withinPercentage(1e-4));
        assertThat((double) FloatExp.exp(-87.3f)).isCloseTo(Math.exp(-87.3f), org.assertj.core.api.Assertions.withinPercentage(1e-3));
    }

    @Test
    void theNonPositiveCaseGivesTheSameValuesAsTheGeneralOne() {
        Random random = new Random(13);
        for (int i = 0; i < 200_000; i++) {
            // Most draws where a softmax's terms lie, some right at and below the underflow bound.
            float x = i % 10 == 0 ? -87.5f + random.nextFloat() * 0.5f : -random.nextFloat() * 90f;
            assertThat(Float.floatToRawIntBits(FloatExp.expNonPositive(x))).as("e^%s", x)
                    .isEqualTo(Float.floatToRawIntBits(FloatExp.exp(x)));
        }
        for (float x : new float[] {0f, -0f, -Float.MIN_VALUE, -87.33654f, Math.nextDown(-87.33654f), -1e30f, Float.NEGATIVE_INFINITY}) {
            assertThat(Float.floatToRawIntBits(FloatExp.expNonPositive(x))).as("e^%s", x)
                    .isEqualTo(Float.floatToRawIntBits(FloatExp.exp(x)));
        }
        assertThat(FloatExp.expNonPositive(Float.NaN)).isNaN();
    }
}
