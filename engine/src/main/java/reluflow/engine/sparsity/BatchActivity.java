package reluflow.engine.sparsity;

import java.util.ArrayList;
import java.util.List;

/**
 * The activity of every ReLU layer in the counted frames of one batch: one {@link LayerCounts} per layer,
 * in the model's layer order, and which positions of the batch were counted.
 */
public final class BatchActivity {
    /** A batch where no frame was counted. */
    public static final BatchActivity NONE = new BatchActivity(new LayerCounts[0], new boolean[0]);

    private final LayerCounts[] layers;
    private final String[] layerNames;
    /** By position; null: every position. */
    private final boolean[] counted;

    /** @param counted by position, whether the frame was counted; null when every frame was */
    public BatchActivity(LayerCounts[] layers, boolean[] counted) {
        this.layers = layers;
        this.counted = counted;
        this.layerNames = new String[layers.length];
        for (int l = 0; l < layers.length; l++) {
            layerNames[l] = layers[l].layer();
        }
    }

    /** The layers' names, in the order of {@link #layers}: shared, not to be modified. */
    public String[] layerNames() {
        return layerNames;
    }

    /** Whether the frame at this position was counted (and the model has layers to count). */
    public boolean counted(int position) {
        return layers.length > 0 && (counted == null || counted[position]);
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
