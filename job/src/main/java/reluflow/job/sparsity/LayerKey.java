package reluflow.job.sparsity;

import java.util.Objects;
import reluflow.job.inference.LayerSample;

/** What a sparsity window is keyed by: a layer, and a sensor for per-sensor reports (else null). A Flink POJO. */
public class LayerKey {
    public String layer;
    public String sensorId;

    public LayerKey() {
    }

    public LayerKey(String layer, String sensorId) {
        this.layer = layer;
        this.sensorId = sensorId;
    }

    public static LayerKey allSensors(LayerSample sample) {
        return new LayerKey(sample.layer, null);
    }

    public static LayerKey perSensor(LayerSample sample) {
        return new LayerKey(sample.layer, sample.sensorId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerKey k && Objects.equals(k.layer, layer) && Objects.equals(k.sensorId, sensorId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(layer, sensorId);
    }

    @Override
    public String toString() {
        return sensorId == null ? layer : layer + "@" + sensorId;
    }
}
