package reluflow.engine.inference;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import reluflow.avro.FrameDetections;
import reluflow.avro.ModelIdentity;
import reluflow.engine.sparsity.LayerActivity;

/** Turns a frame's result into the FrameDetections record of the data contract. */
public final class FrameDetectionsMapper {
    private FrameDetectionsMapper() {
    }

    public static FrameDetections toRecord(FrameResult result, ModelIdentity model, Instant processedAt) {
        Map<String, Float> sparsity = new LinkedHashMap<>();
        for (LayerActivity layer : result.layers()) {
            sparsity.put(layer.layer(), layer.zeroFraction());
        }
        return FrameDetections.newBuilder()
                .setSensorId(result.frame().getSensorId())
                .setFrameId(result.frame().getFrameId())
                .setEventTime(result.frame().getEventTime())
                .setModel(model)
                .setDetections(result.detections())
                .setLayerSparsity(sparsity)
                .setBatchSize(result.batchSize())
                .setInferenceMicros(result.inferenceMicros())
                .setProcessedAt(processedAt)
                .build();
    }
}
