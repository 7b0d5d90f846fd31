package reluflow.engine.sparsity;

import java.nio.IntBuffer;

/**
 * Counts one ReLU layer's activations, frame by frame, out of a batch output that ONNX Runtime wrote,
 * and keeps the arrays it needs from one batch to the next. Values are read as raw float bits (an
 * {@link IntBuffer} view of the native-order output), copied in bulk, marked in one pass over all the
 * frames loaded, then counted frame by frame. Not thread-safe: one per thread and layer.
 */
public final class BatchCounter {
    private final String layer;
    private ActivationCounter.Layout layout;
    private int[] marked = new int[0];
    private int[] unitBits = new int[0];

    public BatchCounter(String layer) {
        this.layer = layer;
    }

    /** Readies the arrays for a batch of {@code frames} frames of this layout. */
    public void begin(ActivationCounter.Layout layout, int frames) {
        int values = Math.multiplyExact(frames, layout.perFrame());
        // The same layout object batch after batch (the engine keeps one per layer and output shape): compared by identity first.
        if (unitBits.length < values || (layout != this.layout && !layout.equals(this.layout))) {
            this.layout = layout;
            unitBits = ActivationCounter.unitBits(layout, Math.max(frames, unitBits.length / Math.max(1, layout.perFrame())));
            marked = new int[unitBits.length];
        }
    }

    /** Loads the first {@code frames} frames of the output, every one to be counted. */
    public void loadAll(IntBuffer output, int frames) {
        int values = frames * layout.perFrame();
        output.get(0, marked, 0, values);
        ActivationCounter.mark(marked, unitBits, 0, values);
    }

    /** Loads only frame {@code frame} of the output: for batches where few frames are counted. */
    public void loadFrame(IntBuffer output, int frame) {
        int from = frame * layout.perFrame();
        output.get(from, marked, from, layout.perFrame());
        ActivationCounter.mark(marked, unitBits, from, from + layout.perFrame());
    }

    /** Counts for a batch of {@code frames} frames of the layout begun, to count into. */
    public LayerCounts newCounts(int frames, boolean shared) {
        return new LayerCounts(layer, layout.units(), layout.perFrame(), frames, shared);
    }

    /** Counts for only some frames of a batch: see {@link LayerCounts#LayerCounts(String, int, long, int[], int)}. */
    public LayerCounts newCounts(int[] slotOfPosition, int slots) {
        return new LayerCounts(layer, layout.units(), layout.perFrame(), slotOfPosition, slots);
    }

    /** Counts the first {@code frames} frames, loaded by {@link #loadAll}, each into its position of the counts. */
    public void countAll(int frames, LayerCounts counts) {
        ActivationCounter.countAllMarked(marked, frames, layout, counts);
    }

    /** Counts frame {@code frame}, loaded since {@link #begin}, into its position of the counts. */
    public void count(int frame, LayerCounts counts) {
        ActivationCounter.countMarked(marked, frame * layout.perFrame(), layout, counts, frame);
    }
}
