package reluflow.job.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reluflow.engine.sparsity.LayerActivity;
import reluflow.engine.sparsity.LayerCounts;
import reluflow.engine.sparsity.SparsityAccumulator;
import reluflow.job.sparsity.LayerSparsityAggregate;

class LayerSampleCombinerTest {
    private record Emitted(LayerSample sample, boolean hasTimestamp, long timestamp) {
        String describe() {
            return sample.layer + "/" + sample.sensorId + "@" + timestamp + " frames=" + sample.frames();
        }
    }

    private static LayerCounts activity(String layer, long zeros, long firedBits) {
        return LayerCounts.of(new LayerActivity(layer, 4, 10, zeros, new long[] {firedBits}));
    }

    private static List<Emitted> flush(LayerSampleCombiner combiner) {
        List<Emitted> out = new ArrayList<>();
        combiner.flush((sample, hasTimestamp, timestamp) -> out.add(new Emitted(sample, hasTimestamp, timestamp)));
        return out;
    }

    @Test
    void framesOfOneWindowAndLayerTravelAsOneSampleStampedInsideThatWindow() {
        var combiner = new LayerSampleCombiner(1_000, false);
        combiner.add("a", activity("fc1", 3, 0b0011), 0, true, 1_100);
        combiner.add("a", activity("fc2", 1, 0b1000), 0, true, 1_100);
        combiner.add("b", activity("fc1", 5, 0b0100), 0, true, 1_900);
        // Crosses into the next window: a sample of its own, or the window before would count it.
        combiner.add("a", activity("fc1", 7, 0b0001), 0, true, 2_000);

        List<Emitted> out = flush(combiner);
        assertThat(out).extracting(Emitted::describe)
                .containsExactly("fc1/null@1900 frames=2", "fc2/null@1100 frames=1", "fc1/null@2000 frames=1");
        assertThat(out.get(0).sample().zeros).containsExactly(3, 5);
        assertThat(out.get(0).sample().firedUnits).containsExactly(0b0111);
        assertThat(out.get(2).sample().zeros).containsExactly(7);
        assertThat(flush(combiner)).as("a flush forgets what it emitted").isEmpty();
    }

    @Test
    void perSensorReportsKeepSensorsApart() {
        var combiner = new LayerSampleCombiner(1_000, true);
        combiner.add("a", activity("fc1", 3, 1), 0, true, 10);
        combiner.add("b", activity("fc1", 4, 2), 0, true, 20);
        combiner.add("a", activity("fc1", 5, 4), 0, true, 30);
        assertThat(flush(combiner)).extracting(Emitted::describe).containsExactly("fc1/a@30 frames=2", "fc1/b@20 frames=1");
    }

    @Test
    void aCombinedSampleAggregatesExactlyAsItsFramesOneByOne() {
        var combiner = new LayerSampleCombiner(60_000, false);
        SparsityAccumulator oneByOne = new SparsityAccumulator();
        long[] zeros = {0, 10, 4, 4, 9};
        for (int i = 0; i < zeros.length; i++) {
            LayerActivity a = new LayerActivity("fc1", 4, 10, zeros[i], new long[] {1L << i % 4});
            combiner.add("s" + i, LayerCounts.of(a), 0, true, i);
            oneByOne.add(a);
        }
        LayerSample sample = flush(combiner).get(0).sample();
        SparsityAccumulator combined = new LayerSparsityAggregate().add(sample, new SparsityAccumulator());
        assertThat(combined.summary()).isEqualTo(oneByOne.summary());
    }

    @Test
    void framesWithoutTimestampsAreNotMixedWithStampedOnes() {
        var combiner = new LayerSampleCombiner(1_000, false);
        combiner.add("a", activity("fc1", 1, 1), 0, false, Long.MIN_VALUE);
        combiner.add("a", activity("fc1", 2, 1), 0, true, 5);
        assertThat(flush(combiner)).extracting(Emitted::hasTimestamp).containsExactly(false, true);
    }
}
