package reluflow.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import reluflow.avro.FrameDetections;
import reluflow.engine.io.SingleObject;

/**
 * A detection's frame id, event time and processing time, read from its single-object bytes by
 * walking the body without building any record: the latency reader sees every detection, and
 * decoding each whole (strings, detection records, the layer map) took CPU from the job on two cores.
 * The writer schema's fingerprint is checked, so a value of another schema is refused, not misread.
 */
final class DetectionStamp {
    /** The fields walked below, in schema order: the walk is only valid for exactly this schema. */
    static final List<String> FIELDS = List.of("sensor_id", "frame_id", "event_time", "model", "detections", "layer_sparsity",
            "batch_size", "inference_micros", "processed_at");
    private static final byte[] HEADER = header();

    private DetectionStamp() {
    }

    /** Frame id, event time and processed-at time (epoch millis), and the inference call that served the frame. */
    record Stamp(long frameId, long eventTime, long processedAt, int batchSize, long inferenceMicros) {
    }

    static Stamp read(byte[] value) {
        if (value == null || value.length < HEADER.length || !Arrays.equals(value, 0, HEADER.length, HEADER, 0, HEADER.length)) {
            throw new IllegalArgumentException("not a single-object FrameDetections of this schema");
        }
        try {
            BinaryDecoder in = DecoderFactory.get().binaryDecoder(value, HEADER.length, value.length - HEADER.length, null);
            in.skipString();
            long frameId = in.readLong();
            long eventTime = in.readLong();
            in.skipString(); // model: name, version, sha256
            in.skipString();
            in.skipString();
            for (long n = in.readArrayStart(); n > 0; n = in.arrayNext()) {
                for (long i = 0; i < n; i++) {
                    in.readInt();     // class_index
                    in.skipString();  // label
                    in.readFloat();   // score
                    if (in.readIndex() == 1) {
                        in.skipFixed(4 * Float.BYTES); // box: four floats
                    }
                }
            }
            for (long n = in.readMapStart(); n > 0; n = in.mapNext()) {
                for (long i = 0; i < n; i++) {
                    in.skipString();
                    in.readFloat();
                }
            }
            int batchSize = in.readInt();
            long inferenceMicros = in.readLong();
            long processedAt = in.readLong();
            return new Stamp(frameId, eventTime, processedAt, batchSize, inferenceMicros);
        } catch (IOException e) {
            throw new UncheckedIOException("a detections record ended early", e);
        }
    }

    private static byte[] header() {
        Schema schema = FrameDetections.getClassSchema();
        if (!schema.getFields().stream().map(Schema.Field::name).toList().equals(FIELDS)) {
            throw new IllegalStateException("FrameDetections' fields changed: DetectionStamp walks " + FIELDS);
        }
        return SingleObject.header(schema);
    }
}
