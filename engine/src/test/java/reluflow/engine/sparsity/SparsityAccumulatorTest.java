package reluflow.engine.sparsity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SparsityAccumulatorTest {
    private static final int UNITS = 100;

    @Test
    void summaryEqualsValuesComputedDirectlyFromTheFrames() {
        List<LayerActivity> frames = randomActivities(1000, 5);
        SparsityAccumulator accumulator = new SparsityAccumulator("layer");
        frames.forEach(accumulator::add);
        SparsitySummary summary = accumulator.summary();

        double[] fractions = frames.stream().mapToDouble(LayerActivity::zeroFraction).sorted().toArray();
        assertThat(summary.frames()).isEqualTo(1000);
        assertThat(summary.units()).isEqualTo(UNITS);
        assertThat(summary.activationsPerFrame()).isEqualTo(UNITS * 8);
        assertThat(summary.mean()).isCloseTo(Arrays.stream(fractions).average().orElseThrow(), within(1e-9));
        assertThat(summary.min()).isEqualTo(fractions[0]);
        assertThat(summary.max()).isEqualTo(fractions[fractions.length - 1]);
        assertThat(summary.p50()).isCloseTo(fractions[499], within(1.0 / SparsityAccumulator.BINS));
        assertThat(summary.p95()).isCloseTo(fractions[949], within(1.0 / SparsityAccumulator.BINS));

        List<Integer> dead = IntStream.range(0, UNITS)
                .filter(u -> frames.stream().noneMatch(f -> f.fired(u)))
                .boxed().toList();
        assertThat(dead).isNotEmpty();
        assertThat(summary.deadUnits()).isEqualTo(dead.size());
        assertThat(summary.deadUnitIndices()).isEqualTo(dead);
    }

    @Test
    void mergingPartialAggregatesEqualsAggregatingEverything() {
        List<LayerActivity> frames = randomActivities(600, 9);
        SparsityAccumulator all = new SparsityAccumulator("layer");
        frames.forEach(all::add);
        SparsityAccumulator left = new SparsityAccumulator("layer");
        SparsityAccumulator right = new SparsityAccumulator();
        frames.subList(0, 250).forEach(left::add);
        frames.subList(250, 600).forEach(right::add);
        assertThat(new SparsityAccumulator().merge(left).merge(right).summary()).isEqualTo(all.summary());
    }

    @Test
    void deadUnitIndicesAreCappedButTheCountIsNot() {
        int units = 1000;
        long[] fired = new long[(units + 63) / 64];
        fired[0] = 1L;
        SparsityAccumulator accumulator = new SparsityAccumulator("wide");
        accumulator.add(new LayerActivity("wide", units, units, units - 1, fired));
        SparsitySummary summary = accumulator.summary();
        assertThat(summary.deadUnits()).isEqualTo(999);
        assertThat(summary.deadUnitIndices()).hasSize(SparsityAccumulator.MAX_DEAD_UNIT_INDICES).startsWith(1, 2, 3);
    }

    @Test
    void anEmptyAccumulatorSummarisesToZeros() {
        SparsitySummary summary = new SparsityAccumulator("none").summary();
        assertThat(summary.frames()).isZero();
        assertThat(summary.mean()).isZero();
        assertThat(summary.deadUnits()).isZero();
    }

    @Test
    void activationCounterUsesTheUnitAxis() {
        // Two frames of [2 channels, 3 pixels]; channel 1 of frame 0 is all zero.
        float[] values = {
                1, 0, 2, 0, 0, 0,
                0, -0f, 0, 0, 5, 0};
        LayerActivity[] channels = ActivationCounter.count("conv", values, 2, new long[] {2, 3}, 0);
        assertThat(channels[0].zeros()).isEqualTo(4);
        assertThat(channels[0].fired(0)).isTrue();
        assertThat(channels[0].fired(1)).isFalse();
        assertThat(channels[1].fired(0)).isFalse();
        assertThat(channels[1].fired(1)).isTrue();
        LayerActivity[] lastAxis = ActivationCounter.count("dense", values, 2, new long[] {2, 3}, 1);
        assertThat(lastAxis[0].units()).isEqualTo(3);
        assertThat(lastAxis[0].fired(0)).isTrue();
        assertThat(lastAxis[0].fired(1)).isFalse();
        assertThat(lastAxis[0].fired(2)).isTrue();
        assertThat(lastAxis[1].fired(1)).isTrue();
        assertThat(lastAxis[1].fired(0)).isFalse();
    }

    /** Frames of a layer with 100 units x 8 activations each; units >= 90 never fire. */
    private static List<LayerActivity> randomActivities(int count, long seed) {
        Random random = new Random(seed);
        List<LayerActivity> out = new ArrayList<>();
        for (int f = 0; f < count; f++) {
            long[] fired = new long[2];
            long zeros = 0;
            double density = random.nextDouble();
            for (int unit = 0; unit < UNITS; unit++) {
                for (int k = 0; k < 8; k++) {
                    boolean active = unit < 90 && random.nextDouble() < density * 0.3;
                    if (active) {
                        fired[unit >>> 6] |= 1L << unit;
                    } else {
                        zeros++;
                    }
                }
            }
            out.add(new LayerActivity("layer", UNITS, UNITS * 8, zeros, fired));
        }
        return out;
    }
}
