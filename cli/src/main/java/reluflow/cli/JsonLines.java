package reluflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reluflow.avro.Detection;
import reluflow.avro.FrameDetections;

/**
 * One JSON object per line with the FrameDetections fields under their schema names; plain JSON
 * (no Avro union wrappers) so jq and any language read it directly.
 */
final class JsonLines implements Closeable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BufferedWriter writer;

    JsonLines(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    void write(FrameDetections record) throws IOException {
        writer.write(JSON.writeValueAsString(toMap(record)));
        writer.newLine();
    }

    static Map<String, Object> toMap(FrameDetections r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sensor_id", r.getSensorId());
        m.put("frame_id", r.getFrameId());
        m.put("event_time", r.getEventTime().toEpochMilli());
        m.put("model", Map.of("name", r.getModel().getName(), "version", r.getModel().getVersion(), "sha256", r.getModel().getSha256()));
        List<Map<String, Object>> detections = new ArrayList<>();
        for (Detection d : r.getDetections()) {
            Map<String, Object> dm = new LinkedHashMap<>();
            dm.put("class_index", d.getClassIndex());
            dm.put("label", d.getLabel());
            dm.put("score", d.getScore());
            dm.put("box", d.getBox() == null ? null : Map.of(
                    "x_min", d.getBox().getXMin(), "y_min", d.getBox().getYMin(),
                    "x_max", d.getBox().getXMax(), "y_max", d.getBox().getYMax()));
            detections.add(dm);
        }
        m.put("detections", detections);
        m.put("layer_sparsity", r.getLayerSparsity());
        m.put("batch_size", r.getBatchSize());
        m.put("inference_micros", r.getInferenceMicros());
        m.put("processed_at", r.getProcessedAt().toEpochMilli());
        return m;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
