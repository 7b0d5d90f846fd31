package reluflow.job.sink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import reluflow.avro.Detection;
import reluflow.avro.FrameDetections;
import reluflow.avro.ModelIdentity;

/**
 * The Avro binary body of a FrameDetections record, field by field in schema order, its nested records
 * through their generated {@code customEncode}. Avro generates no such coder for a record with
 * logical types (the two timestamps), and its reflective writer cost about a fifth of the MLP
 * pipeline's task thread, one detection record per frame. Used only while the schema has exactly
 * the fields written here; the bytes are checked against Avro's own on random records in tests.
 */
final class FrameDetectionsBody {
    static final List<String> FIELDS = List.of("sensor_id", "frame_id", "event_time", "model", "detections", "layer_sparsity",
            "batch_size", "inference_micros", "processed_at");

    /**
     * The model identity's encoding, kept while its three strings are the same objects: every frame carries
     * the engine's one identity, and encoding its strings (a 64-character digest among them) anew was over a
     * quarter of writing each record. A string cannot change in place, so a setter changing one is seen.
     */
    private String modelName;
    private String modelVersion;
    private String modelSha256;
    private byte[] modelBytes;

    /** Whether a schema is the FrameDetections schema this writer was made for. */
    static boolean writes(Schema schema) {
        return schema.equals(FrameDetections.getClassSchema())
                && schema.getFields().stream().map(Schema.Field::name).toList().equals(FIELDS);
    }

    void write(FrameDetections record, Encoder out) throws IOException {
        out.writeString(record.getSensorId());
        out.writeLong(record.getFrameId());
        // timestamp-millis, as Avro's TimestampMillisConversion writes an Instant.
        out.writeLong(record.getEventTime().toEpochMilli());
        writeModel(record.getModel(), out);
        List<Detection> detections = record.getDetections();
        out.writeArrayStart();
        out.setItemCount(detections.size());
        for (Detection detection : detections) {
            out.startItem();
            detection.customEncode(out);
        }
        out.writeArrayEnd();
        Map<String, Float> sparsity = record.getLayerSparsity();
        out.writeMapStart();
        out.setItemCount(sparsity.size());
        for (Map.Entry<String, Float> layer : sparsity.entrySet()) {
            out.startItem();
            out.writeString(layer.getKey());
            out.writeFloat(layer.getValue());
        }
        out.writeMapEnd();
        out.writeInt(record.getBatchSize());
        out.writeLong(record.getInferenceMicros());
        out.writeLong(record.getProcessedAt().toEpochMilli());
    }

    private void writeModel(ModelIdentity model, Encoder out) throws IOException {
        if (modelBytes == null || model.getName() != modelName || model.getVersion() != modelVersion
                || model.getSha256() != modelSha256) {
            ByteArrayOutputStream encoded = new ByteArrayOutputStream(128);
            BinaryEncoder direct = EncoderFactory.get().directBinaryEncoder(encoded, null);
            model.customEncode(direct);
            direct.flush();
            modelBytes = encoded.toByteArray();
            modelName = model.getName();
            modelVersion = model.getVersion();
            modelSha256 = model.getSha256();
        }
        out.writeFixed(modelBytes);
    }
}
