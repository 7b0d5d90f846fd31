package reluflow.engine.decode;

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
