package reluflow.engine.inference;

import java.util.List;
import reluflow.avro.Detection;
import reluflow.avro.Frame;
import reluflow.engine.sparsity.BatchActivity;
import reluflow.engine.sparsity.LayerActivity;

/**
 * A frame's inference result.
 *
 * @param activity the ReLU layers' activity in the batch the frame ran in; the frame's is at {@code position}
 *     when it was sampled for sparsity ({@link #measured()})
 * @param position the frame's position in that batch
 * @param batchSize frames that shared the inference call
 * @param inferenceMicros wall time of that call
 */
public record FrameResult(Frame frame, List<Detection> detections, BatchActivity activity, int position, int batchSize,
        long inferenceMicros) {

    /** Whether the frame was sampled for sparsity (and the model has ReLU layers). */
    public boolean measured() {
        return activity.counted(position);
    }

    /** One entry per ReLU layer when the frame was sampled for sparsity, else empty; made on each call. */
    public List<LayerActivity> layers() {
        return activity.activities(position);
    }
}
