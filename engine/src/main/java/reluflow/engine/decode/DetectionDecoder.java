package reluflow.engine.decode;

import java.util.List;
import java.util.Map;
import java.util.Set;
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
}
