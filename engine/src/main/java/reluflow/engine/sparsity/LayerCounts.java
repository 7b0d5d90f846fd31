package reluflow.engine.sparsity;

import java.util.Arrays;

/**
 * One ReLU layer's activity in the frames of one batch, in flat arrays indexed by the frame's position in
 * the batch: no object per frame and layer (on a small MLP those objects cost as much as counting). A
 * position of a frame that was not counted holds nothing meaningful; {@link BatchActivity} says which were.
 */
public final class LayerCounts {
    private final String layer;
    private final int units;
    private final long activations;
    private final int words;
    /** The layer's output had no batch axis: one count, the same for every frame. */
    private final boolean shared;
    /**
     * Per position: its count of zeros, then its {@link #words} longs of fired-unit bits. One array per layer
     * and batch, not two: they are made for every layer of every counted batch.
     */
    final long[] data;

    /**
     * @param activations activation values per frame
     * @param positions frames in the batch
     * @param shared whether the output lacks the batch axis (then one count serves every position)
     */
    public LayerCounts(String layer, int units, long activations, int positions, boolean shared) {
        this.layer = layer;
        this.units = units;
        this.activations = activations;
        this.words = (units + 63) >>> 6;
        this.shared = shared;
        int slots = shared ? 1 : positions;
        this.data = new long[Math.multiplyExact(slots, words + 1)];
    }

    /** One frame's activity as counts of a batch of one. */
    public static LayerCounts of(LayerActivity activity) {
        LayerCounts counts = new LayerCounts(activity.layer(), activity.units(), activity.activations(), 1, false);
        counts.data[0] = activity.zeros();
        System.arraycopy(activity.firedUnits(), 0, counts.data, 1, counts.words);
        return counts;
    }

    public String layer() {
        return layer;
    }

    public int units() {
        return units;
    }

    /** Activation values per frame. */
    public long activations() {
        return activations;
    }

    /** Longs of fired-unit bits per frame: 64 units per word. */
    public int words() {
        return words;
    }

    public long zeros(int position) {
        return data[zerosAt(slot(position))];
    }

    public float zeroFraction(int position) {
        return LayerActivity.zeroFraction(zeros(position), activations);
    }

    /** Word {@code word} of the frame's fired-unit bits. */
    public long firedWord(int position, int word) {
        return data[firedFrom(slot(position)) + word];
    }

    /** The frame's activity as a record of its own: for reports and tests, not the per-frame path. */
    public LayerActivity activity(int position) {
        int from = firedFrom(slot(position));
        return new LayerActivity(layer, units, activations, zeros(position), Arrays.copyOfRange(data, from, from + words));
    }

    /** Where a slot's fired-unit bits start in {@link #data}: right after its count of zeros. */
    int firedFrom(int slot) {
        return zerosAt(slot) + 1;
    }

    void setZeros(int slot, long zeros) {
        data[zerosAt(slot)] = zeros;
    }

    private int zerosAt(int slot) {
        return slot * (words + 1);
    }

    int slot(int position) {
        return shared ? 0 : position;
    }
}
