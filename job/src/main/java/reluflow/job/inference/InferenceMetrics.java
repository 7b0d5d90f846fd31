package reluflow.job.inference;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import reluflow.avro.ErrorKind;
import reluflow.engine.model.ReluLayer;
import reluflow.engine.sparsity.LayerCounts;

/**
 * The inference operator's metrics, per subtask, under the group "reluflow": frames in,
 * detections out, dead letters by kind, batch size and latency histograms, each ReLU layer's
 * latest zero fraction, and how long the model took to load.
 */
final class InferenceMetrics {
    private static final int HISTOGRAM_WINDOW = 1024;
    /** The deadUnits gauge covers this many measured frames, then starts over. */
    static final int DEAD_UNIT_FRAMES = 1000;

    final Counter framesIn;
    final Counter detectionsOut;
    private final Map<ErrorKind, Counter> deadLetters = new EnumMap<>(ErrorKind.class);
    final Histogram batchSize;
    final Histogram inferenceMicros;
    private final Map<String, float[]> latestZeroFraction = new HashMap<>();
    private final Map<String, DeadUnits> deadUnits = new HashMap<>();

    InferenceMetrics(MetricGroup operatorGroup, List<ReluLayer> layers, long modelLoadMillis, int batchSizeLimit) {
        MetricGroup group = operatorGroup.addGroup("reluflow");
        framesIn = group.counter("framesIn");
        detectionsOut = group.counter("detectionsOut");
        for (ErrorKind kind : ErrorKind.values()) {
            deadLetters.put(kind, group.addGroup("error_kind", kind.name()).counter("deadLetters"));
        }
        batchSize = group.histogram("batchSize", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        inferenceMicros = group.histogram("inferenceLatencyMicros", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        for (ReluLayer layer : layers) {
            float[] holder = {Float.NaN};
            latestZeroFraction.put(layer.name(), holder);
            MetricGroup layerGroup = group.addGroup("layer", layer.name());
            layerGroup.gauge("zeroFraction", () -> holder[0]);
            DeadUnits dead = new DeadUnits();
            deadUnits.put(layer.name(), dead);
            layerGroup.gauge("deadUnits", () -> dead.published);
        }
        group.gauge("modelLoadMillis", () -> modelLoadMillis);
        group.gauge("batchSizeLimit", () -> batchSizeLimit);
    }

    long deadLetters(ErrorKind kind) {
        return deadLetters.get(kind).getCount();
    }

    float latestZeroFraction(String layer) {
        return latestZeroFraction.get(layer)[0];
    }

    void deadLetter(ErrorKind kind) {
        deadLetters.get(kind).inc();
    }

    void layerActivity(LayerCounts layer, int position) {
        float[] holder = latestZeroFraction.get(layer.layer());
        if (holder != null) {
            holder[0] = layer.zeroFraction(position);
            deadUnits.get(layer.layer()).add(layer, position);
        }
    }

    int deadUnits(String layer) {
        return deadUnits.get(layer).published;
    }

    /** Units that did not fire in the last DEAD_UNIT_FRAMES measured frames: -1 until the first count is complete. */
    private static final class DeadUnits {
        private long[] fired = new long[0];
        private int frames;
        private volatile int published = -1;

        void add(LayerCounts layer, int position) {
            int words = layer.words();
            if (fired.length < words) {
                fired = java.util.Arrays.copyOf(fired, words);
            }
            for (int i = 0; i < words; i++) {
                fired[i] |= layer.firedWord(position, i);
            }
            if (++frames == DEAD_UNIT_FRAMES) {
                int alive = 0;
                for (long word : fired) {
                    alive += Long.bitCount(word);
                }
                published = layer.units() - alive;
                java.util.Arrays.fill(fired, 0L);
                frames = 0;
            }
        }
    }
}
