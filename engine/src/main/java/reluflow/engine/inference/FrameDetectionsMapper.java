package reluflow.engine.inference;

import java.time.Instant;
import java.util.Map;
import reluflow.avro.FrameDetections;
import reluflow.avro.ModelIdentity;
import reluflow.engine.sparsity.LayerCounts;

/** Turns a frame's result into the FrameDetections record of the data contract. */
public final class FrameDetectionsMapper {
    private FrameDetectionsMapper() {
    }

    public static FrameDetections toRecord(FrameResult result, ModelIdentity model, Instant processedAt) {
        Map<String, Float> sparsity = Map.of();
        if (result.measured()) {
            LayerCounts[] layers = result.activity().layers();
            float[] fractions = new float[layers.length];
            for (int l = 0; l < layers.length; l++) {
                fractions[l] = layers[l].zeroFraction(result.position());
            }
            sparsity = new LayerSparsityMap(result.activity().layerNames(), fractions);
        }
        // The all-fields constructor, once per frame: Avro's builder would validate and deep-copy every field.
        return new FrameDetections(result.frame().getSensorId(), result.frame().getFrameId(), result.frame().getEventTime(), model,
                result.detections(), sparsity, result.batchSize(), result.inferenceMicros(), processedAt);
    }
}
