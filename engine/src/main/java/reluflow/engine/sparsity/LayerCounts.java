package reluflow.engine.sparsity;

import java.util.Arrays;

/**
 * One ReLU layer's activity in the counted frames of one batch, in one flat array of slots: no object per
 * frame and layer (on a small MLP those objects cost as much as counting). A frame is read by its position in
 * the batch. When only some frames were counted, only they have a slot (at 10% sampling, 3 slots of a batch of
 * 32, not 32); {@link BatchActivity} says which positions were counted, and reading another is an error.
 */
public final class LayerCounts {
    private final String layer;
    private final int units;
    private final long activations;
    private final int words;
    /** The layer's output had no batch axis: one count, the same for every frame. */
    private final boolean shared;
    /** Each position's slot, -1 where not counted; null: a position is its own slot. Shared by a batch's layers. */
    private final int[] slotOfPosition;
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
        this(layer, units, activations, shared ? 1 : positions, shared, null);
    }

    /**
     * Counts of only some positions of a batch.
     *
     * @param slotOfPosition by position, its slot in 0..slots-1, or -1 for a position not counted; kept, not copied
     * @param slots positions counted
     */
    public LayerCounts(String layer, int units, long activations, int[] slotOfPosition, int slots) {
        this(layer, units, activations, slots, false, slotOfPosition);
    }

    private LayerCounts(String layer, int units, long activations, int slots, boolean shared, int[] slotOfPosition) {
        this.layer = layer;
        this.units = units;
        this.activations = activations;
        this.words = (units + 63) >>> 6;
        this.shared = shared;
        this.slotOfPosition = slotOfPosition;
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

    /** Whether each position of the batch is its own slot: neither shared by all nor only some counted. */
    boolean slotPerPosition() {
        return !shared && slotOfPosition == null;
    }

    int slot(int position) {
        if (shared) {
            return 0;
        }
        if (slotOfPosition == null) {
            return position;
        }
        int slot = slotOfPosition[position];
        if (slot < 0) {
            throw new IllegalArgumentException("position " + position + " of the batch was not counted in layer " + layer);
        }
        return slot;
    }
}
