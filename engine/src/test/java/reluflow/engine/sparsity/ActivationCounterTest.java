package reluflow.engine.sparsity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The tight counting loops against the definition: a zero is +0 or -0, a unit fired if any of its activations is not zero. */
class ActivationCounterTest {

    @Test
    void matchesTheDefinitionOnRandomLayersOfEveryLayout() {
        Random random = new Random(5);
        // {outer, units, inner}: dense (inner 1) below, at and across the 64-unit word boundary; conv-like (inner > 1).
        int[][] layouts = {{1, 1, 1}, {1, 63, 1}, {1, 64, 1}, {1, 65, 1}, {1, 130, 1}, {3, 70, 1}, {1, 8, 49}, {2, 66, 5},
                {1, 7, 1}, {1, 24, 1}, {2, 33, 1}, {1, 1100, 1}, {1, 3, 144}};
        for (int[] layout : layouts) {
            int outer = layout[0];
            int units = layout[1];
            int inner = layout[2];
            long[] frameShape = outer == 1 ? new long[] {units, inner} : new long[] {outer, units, inner};
            int unitAxis = outer == 1 ? 0 : 1;
            int perFrame = outer * units * inner;
            int offset = random.nextInt(5);
            for (int trial = 0; trial < 20; trial++) {
                float[] values = new float[offset + perFrame];
                double zeroChance = trial % 4 / 3.0;
                for (int i = 0; i < values.length; i++) {
                    double r = random.nextDouble();
                    values[i] = r < zeroChance ? (random.nextBoolean() ? 0f : -0f) : (r < 0.95 ? random.nextFloat() + 0.001f : Float.NaN);
                }
                LayerActivity actual = ActivationCounter.countFrame("l", values, offset, frameShape, unitAxis);
                long zeros = 0;
                long[] fired = new long[(units + 63) / 64];
                for (int o = 0; o < outer; o++) {
                    for (int u = 0; u < units; u++) {
                        for (int k = 0; k < inner; k++) {
                            float v = values[offset + (o * units + u) * inner + k];
                            if (v == 0f) {
                                zeros++;
                            } else {
                                fired[u / 64] |= 1L << (u % 64);
                            }
                        }
                    }
                }
                assertThat(actual.zeros()).as("layout %s", java.util.Arrays.toString(layout)).isEqualTo(zeros);
                assertThat(actual.firedUnits()).as("layout %s", java.util.Arrays.toString(layout)).isEqualTo(fired);
                assertThat(actual.units()).isEqualTo(units);
                assertThat(actual.activations()).isEqualTo(perFrame);
            }
        }
    }
}
