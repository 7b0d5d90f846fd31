package reluflow.job.sink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import reluflow.avro.BoundingBox;
import reluflow.avro.Detection;
import reluflow.avro.FrameDetections;
import reluflow.avro.ModelIdentity;
import reluflow.engine.inference.LayerSparsityMap;

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
    /** Fields of Detection, written here one by one. */
    static final List<String> DETECTION_FIELDS = List.of("class_index", "label", "score", "box");

    /**
     * UTF-8 encodings of layer names (by their index in the sparsity map) and labels (by class index), kept
     * while they are the same String objects: both are the engine's own, the same objects frame after
     * frame, and encoding them anew for every record allocated and copied a few short strings per frame.
     */
    private final StringSlots layerNames = new StringSlots(64);
    private final StringSlots labels = new StringSlots(4096);

    private String modelName;
    private String modelVersion;
    private String modelSha256;
    private byte[] modelBytes;

    /** Whether a schema is the FrameDetections schema this writer was made for. */
    static boolean writes(Schema schema) {
        return schema.equals(FrameDetections.getClassSchema())
                && schema.getFields().stream().map(Schema.Field::name).toList().equals(FIELDS)
                && Detection.getClassSchema().getFields().stream().map(Schema.Field::name).toList().equals(DETECTION_FIELDS)
                && Detection.getClassSchema().getField("box").schema().getTypes().get(0).getType() == Schema.Type.NULL;
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
            out.writeInt(detection.getClassIndex());
            labels.write(detection.getClassIndex(), detection.getLabel(), out);
            out.writeFloat(detection.getScore());
            BoundingBox box = detection.getBox();
            if (box == null) {
                out.writeIndex(0);
                out.writeNull();
            } else {
                out.writeIndex(1);
                box.customEncode(out);
            }
        }
        out.writeArrayEnd();
        Map<String, Float> sparsity = record.getLayerSparsity();
        out.writeMapStart();
        out.setItemCount(sparsity.size());
        if (sparsity instanceof LayerSparsityMap layers) {
            for (int l = 0; l < layers.size(); l++) {
                out.startItem();
                layerNames.write(l, layers.name(l), out);
                out.writeFloat(layers.fraction(l));
            }
        } else {
            for (Map.Entry<String, Float> layer : sparsity.entrySet()) {
                out.startItem();
                out.writeString(layer.getKey());
                out.writeFloat(layer.getValue());
            }
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

    /** Strings' encodings by slot, each kept while the slot holds the same String object; slots past the last are not kept. */
    private static final class StringSlots {
        private final String[] strings;
        private final byte[][] encodings;

        StringSlots(int slots) {
            strings = new String[slots];
            encodings = new byte[slots][];
        }

        void write(int slot, String string, Encoder out) throws IOException {
            if (slot < 0 || slot >= strings.length) {
                out.writeString(string);
                return;
            }
            if (strings[slot] != string) {
                encodings[slot] = string.getBytes(StandardCharsets.UTF_8);
                strings[slot] = string;
            }
            // As Avro writes a string: its byte length, then its UTF-8 bytes.
            byte[] bytes = encodings[slot];
            out.writeInt(bytes.length);
            out.writeFixed(bytes);
        }
    }
}
