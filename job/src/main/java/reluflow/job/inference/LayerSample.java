package reluflow.job.inference;

import reluflow.engine.sparsity.LayerActivity;

/** One frame's activity in one ReLU layer, on its way to the sparsity windows. A Flink POJO. */
public class LayerSample {
    public String layer;
    public String sensorId;
    public int units;
    public long activations;
    public long zeros;
    public long[] firedUnits;

    public LayerSample() {
    }

    public static LayerSample of(String sensorId, LayerActivity activity) {
        LayerSample s = new LayerSample();
        s.layer = activity.layer();
        s.sensorId = sensorId;
        s.units = activity.units();
        s.activations = activity.activations();
        s.zeros = activity.zeros();
        s.firedUnits = activity.firedUnits();
        return s;
    }

    public LayerActivity toActivity() {
        return new LayerActivity(layer, units, activations, zeros, firedUnits);
    }
}
