package reluflow.job.inference;

/**
 * The activity of one ReLU layer in one or more frames of a batch that fall in the same sparsity
 * window (and, for per-sensor reports, come from the same sensor), on its way to the windows. One
 * sample per batch, layer and window instead of one per frame and layer: the shuffle to the keyed
 * windows carries a batch's worth of frames in one record. Each frame's zero count is kept, so the
 * window's distribution (mean, min, max, percentiles) is exactly what per-frame samples gave.
 * A Flink POJO.
 */
public class LayerSample {
    public String layer;
    /** The frames' sensor; null when the samples feed only the all-sensors windows. */
    public String sensorId;
    public int units;
    /** Activation values per frame in this layer (the same for every frame of a sample). */
    public long activations;
    /** Exact zeros, one entry per frame. */
    public long[] zeros;
    /** Units that fired in at least one of the frames: a bit set, 64 units per word. */
    public long[] firedUnits;

    public LayerSample() {
    }

    public int frames() {
        return zeros.length;
    }
}
