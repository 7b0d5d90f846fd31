package reluflow.engine.decode;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reluflow.avro.BoundingBox;
import reluflow.avro.Detection;

/** Turns one frame's model outputs into detections. Implementations are stateless and thread-safe. */
public interface DetectionDecoder {

    /** The model outputs this decoder reads; the engine fetches only these (plus ReLU layers). */
    Set<String> outputs();

    List<Detection> decode(Map<String, TensorView> frameOutputs);

    /**
     * Every frame's detections, in batch order. This default decodes frame by frame; a decoder whose per-frame
     * work is small overrides it to read the batch as a whole.
     */
    default List<List<Detection>> decodeBatch(BatchOutputs batch) {
        @SuppressWarnings("unchecked")
        List<Detection>[] detections = (List<Detection>[]) new List<?>[batch.frames()];
        // One map for the batch: decode() reads it and keeps nothing.
        Map<String, TensorView> frameOutputs = new HashMap<>();
        String[] names = batch.names();
        for (int f = 0; f < detections.length; f++) {
            for (int o = 0; o < names.length; o++) {
                frameOutputs.put(names[o], batch.frame(o, f));
            }
            detections[f] = decode(frameOutputs);
        }
        return Arrays.asList(detections);
    }

    /**
     * Checks the decoder against one frame's real output shapes (learned from a first run), so a
     * wrong labels file or output layout fails at start-up rather than on every frame.
     */
    void checkShapes(Map<String, long[]> frameOutputShapes) throws reluflow.engine.EngineException;

    /**
     * A detection built through the primitive setters: the generated all-fields constructor takes boxed
     * {@code Integer}/{@code Float}, a box allocated per detection (and Avro's builders also validate and
     * copy every field). {@code box} may be null.
     */
    static Detection detection(int classIndex, String label, float score, BoundingBox box) {
        Detection detection = new Detection();
        detection.setClassIndex(classIndex);
        detection.setLabel(label);
        detection.setScore(score);
        detection.setBox(box);
        return detection;
    }

    /** A box built through the primitive setters, for the same reason as {@link #detection}. */
    static BoundingBox box(float xMin, float yMin, float xMax, float yMax) {
        BoundingBox box = new BoundingBox();
        box.setXMin(xMin);
        box.setYMin(yMin);
        box.setXMax(xMax);
        box.setYMax(yMax);
        return box;
    }
}
