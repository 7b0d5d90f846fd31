package reluflow.engine.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameValidatorTest {
    private static final float[] EDGES_FINITE = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE,
            Float.MIN_NORMAL, 0f, -0f, 1f};
    private static final float[] NON_FINITE = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.intBitsToFloat(0x7FC0_1234), Float.intBitsToFloat(0xFF80_0001)};

    @Test
    void allFiniteAgreesWithFloatIsFiniteAtEveryLengthAndPosition() {
        Random random = new Random(11);
        // Lengths around the 4096-value chunks the check compares in.
        for (int count : new int[] {0, 1, 2, 15, 784, 4095, 4096, 4097, 8192, 10_000}) {
            int[] clean = new int[count];
            for (int i = 0; i < count; i++) {
                float v = random.nextInt(4) == 0 ? EDGES_FINITE[random.nextInt(EDGES_FINITE.length)] : (random.nextFloat() - 0.5f) * 1e6f;
                clean[i] = Float.floatToRawIntBits(v);
            }
            assertThat(FrameValidator.allFiniteOverwriting(clean.clone(), count)).as("finite, %d values", count).isTrue();
            for (int trial = 0; trial < 20 && count > 0; trial++) {
                int[] bits = clean.clone();
                int at = trial == 0 ? 0 : trial == 1 ? count - 1 : random.nextInt(count);
                bits[at] = Float.floatToRawIntBits(NON_FINITE[random.nextInt(NON_FINITE.length)]);
                assertThat(FrameValidator.allFiniteOverwriting(bits, count)).as("non-finite at %d of %d", at, count).isFalse();
            }
        }
    }

    @Test
    void onlyTheFirstCountValuesAreChecked() {
        int[] bits = {Float.floatToRawIntBits(1f), Float.floatToRawIntBits(2f), Float.floatToRawIntBits(Float.NaN)};
        assertThat(FrameValidator.allFiniteOverwriting(bits.clone(), 2)).isTrue();
        assertThat(FrameValidator.allFiniteOverwriting(bits.clone(), 3)).isFalse();
    }
}
