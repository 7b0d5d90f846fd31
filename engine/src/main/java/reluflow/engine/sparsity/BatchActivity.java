package reluflow.engine.sparsity;

import java.util.ArrayList;
import java.util.List;

/**
 * The activity of every ReLU layer in the counted frames of one batch: one {@link LayerCounts} per layer,
 * in the model's layer order, and which positions of the batch were counted.
 */
public final class BatchActivity {
    /** A batch where no frame was counted. */
    public static final BatchActivity NONE = new BatchActivity(new LayerCounts[0], new String[0], null);

    private final LayerCounts[] layers;
    private final String[] layerNames;
    /** By position, its slot in the counts or -1 when not counted; null: every position was counted. */
    private final int[] slotOfPosition;

    /**
     * @param layerNames the layers' names in their order: kept, not copied (an engine passes the same array for every batch)
     * @param slotOfPosition by position, its slot in the layers' counts, -1 when the frame was not counted; null when every
     *     frame was
     */
    public BatchActivity(LayerCounts[] layers, String[] layerNames, int[] slotOfPosition) {
        if (layerNames.length != layers.length) {
            throw new IllegalArgumentException(layers.length + " layers but " + layerNames.length + " names");
        }
        this.layers = layers;
        this.layerNames = layerNames;
        this.slotOfPosition = slotOfPosition;
    }

    /** The layers' names, in the order of {@link #layers}: shared, not to be modified. */
    public String[] layerNames() {
        return layerNames;
    }

    /** Whether the frame at this position was counted (and the model has layers to count). */
    public boolean counted(int position) {
        return layers.length > 0 && (slotOfPosition == null || slotOfPosition[position] >= 0);
    }

    /** The layers' counts; read a frame's with its position, when {@link #counted} says it was. */
    public LayerCounts[] layers() {
        return layers;
    }

    /** The frame's activity as records, one per layer; empty when it was not counted. */
    public List<LayerActivity> activities(int position) {
        if (!counted(position)) {
            return List.of();
        }
        List<LayerActivity> out = new ArrayList<>(layers.length);
        for (LayerCounts layer : layers) {
            out.add(layer.activity(position));
        }
        return out;
    }
}
