package reluflow.engine.inference;

import java.util.List;
import reluflow.avro.Detection;
import reluflow.avro.Frame;
import reluflow.engine.sparsity.LayerActivity;

/**
 * A frame's inference result.
 *
 * @param layers one entry per ReLU layer when the frame was sampled for sparsity, else empty
 * @param batchSize frames that shared the inference call
 * @param inferenceMicros wall time of that call
 */
public record FrameResult(Frame frame, List<Detection> detections, List<LayerActivity> layers, int batchSize, long inferenceMicros) {
}
