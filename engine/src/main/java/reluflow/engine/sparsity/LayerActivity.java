package reluflow.engine.sparsity;

/**
 * One frame's activations in one ReLU layer, reduced to what reports need.
 *
 * @param layer the layer's output tensor name
 * @param units number of units (neurons or channels)
 * @param activations number of activation values in the frame's slice of the layer
 * @param zeros how many of them were exactly zero
 * @param firedUnits bit set (64 units per word) of the units with at least one non-zero activation
 */
public record LayerActivity(String layer, int units, long activations, long zeros, long[] firedUnits) {

    public float zeroFraction() {
        return zeroFraction(zeros, activations);
    }

    /** The fraction reports carry, rounded to float as the detections' per-frame figures are. */
    public static float zeroFraction(long zeros, long activations) {
        return activations == 0 ? 0f : (float) ((double) zeros / activations);
    }

    public boolean fired(int unit) {
        return (firedUnits[unit >>> 6] & (1L << unit)) != 0;
    }
}
