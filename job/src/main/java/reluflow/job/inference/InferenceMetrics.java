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

/**
 * The inference operator's metrics, per subtask, under the group "reluflow": frames in,
 * detections out, dead letters by kind, batch size and latency histograms, each ReLU layer's
 * latest zero fraction, and how long the model took to load.
 */
final class InferenceMetrics {
    private static final int HISTOGRAM_WINDOW = 1024;

    final Counter framesIn;
    final Counter detectionsOut;
    private final Map<ErrorKind, Counter> deadLetters = new EnumMap<>(ErrorKind.class);
    final Histogram batchSize;
    final Histogram inferenceMicros;
    private final Map<String, float[]> latestZeroFraction = new HashMap<>();

    InferenceMetrics(MetricGroup operatorGroup, List<ReluLayer> layers, long modelLoadMillis) {
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
            group.addGroup("layer", layer.name()).gauge("zeroFraction", () -> holder[0]);
        }
        group.gauge("modelLoadMillis", () -> modelLoadMillis);
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

    void zeroFraction(String layer, float value) {
        float[] holder = latestZeroFraction.get(layer);
        if (holder != null) {
            holder[0] = value;
        }
    }
}
