package reluflow.engine.sparsity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One counter reused across batches of changing sizes and layouts, loading all frames or only some (then counted into
 * slots of their own), against the definition.
 */
class BatchCounterTest {

    @Test
    void countsEveryFrameOfReusedBatchesLikeTheDefinition() {
        Random random = new Random(11);
        BatchCounter counter = new BatchCounter("layer");
        // {frames, outer, units, inner}: growing, shrinking, and switching between dense and conv-like layouts.
        int[][] batches = {{32, 1, 24, 1}, {8, 1, 24, 1}, {64, 1, 24, 1}, {5, 1, 70, 1}, {3, 2, 33, 1}, {4, 1, 6, 9}, {32, 1, 24, 1}};
        boolean loadOnlySome = false;
        for (int[] batch : batches) {
            loadOnlySome = !loadOnlySome;
            int frames = batch[0];
            long[] frameShape = {batch[1], batch[2], batch[3]};
            ActivationCounter.Layout layout = ActivationCounter.Layout.of(frameShape, 1);
            float[] values = randomActivations(random, frames * layout.perFrame());
            counter.begin(layout, frames);
            // Loading only some frames, as at a sampling rate below 1: only every third frame has a slot.
            int[] slotOfPosition = new int[frames];
            for (int f = 0; f < frames; f++) {
                slotOfPosition[f] = f % 3 == 0 ? f / 3 : -1;
            }
            LayerCounts counts = loadOnlySome ? counter.newCounts(slotOfPosition, (frames + 2) / 3) : counter.newCounts(frames, false);
            if (!loadOnlySome) {
                // Every frame loaded and counted in one call, as the engine does when it samples every frame.
                counter.loadAll(output(values), frames);
                counter.countAll(frames, counts);
            }
            for (int f = 0; f < frames; f++) {
                if (loadOnlySome && f % 3 != 0) {
                    int uncounted = f;
                    assertThatThrownBy(() -> counts.zeros(uncounted)).isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("position " + f + " of the batch was not counted");
                    continue;
                }
                if (loadOnlySome) {
                    counter.loadFrame(output(values), f);
                    counter.count(f, counts);
                }
                LayerActivity expected = definition(values, f * layout.perFrame(), batch[1], batch[2], batch[3]);
                LayerActivity actual = counts.activity(f);
                assertThat(counts.zeros(f)).isEqualTo(expected.zeros());
                assertThat(actual.zeros()).as("batch %s frame %d", java.util.Arrays.toString(batch), f).isEqualTo(expected.zeros());
                assertThat(actual.firedUnits()).as("batch %s frame %d", java.util.Arrays.toString(batch), f).isEqualTo(expected.firedUnits());
                assertThat(actual.activations()).isEqualTo(layout.perFrame());
                assertThat(actual.units()).isEqualTo(batch[2]);
            }
        }
    }

    @Test
    void countingEveryFrameAtOnceNeedsASlotForEveryPosition() {
        BatchCounter counter = new BatchCounter("layer");
        counter.begin(ActivationCounter.Layout.of(new long[] {8}, 0), 4);
        counter.loadAll(output(new float[32]), 4);
        LayerCounts some = counter.newCounts(new int[] {0, -1, 1, -1}, 2);
        assertThatThrownBy(() -> counter.countAll(4, some)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("do not have a slot for every position");
    }

    private static float[] randomActivations(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            double r = random.nextDouble();
            values[i] = r < 0.5 ? (random.nextBoolean() ? 0f : -0f) : (r < 0.97 ? random.nextFloat() + 0.001f : Float.NaN);
        }
        return values;
    }

    /** As ONNX Runtime leaves an output: native-order floats in a direct buffer, read through an int view. */
    private static IntBuffer output(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder());
        bytes.asFloatBuffer().put(values);
        return bytes.asIntBuffer();
    }

    private static LayerActivity definition(float[] values, int offset, int outer, int units, int inner) {
        long zeros = 0;
        long[] fired = new long[(units + 63) / 64];
        for (int o = 0; o < outer; o++) {
            for (int u = 0; u < units; u++) {
                for (int k = 0; k < inner; k++) {
                    if (values[offset + (o * units + u) * inner + k] == 0f) {
                        zeros++;
                    } else {
                        fired[u / 64] |= 1L << (u % 64);
                    }
                }
            }
        }
        return new LayerActivity("layer", units, (long) outer * units * inner, zeros, fired);
    }
}
