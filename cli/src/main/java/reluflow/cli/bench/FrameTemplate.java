package reluflow.cli.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import reluflow.avro.Frame;
import reluflow.engine.io.SingleObject;

/**
 * One frame's single-object bytes with its frame id and event time left open, so the latency sender
 * stamps each copy by writing two longs between a prefix and a suffix encoded once. Building and
 * Avro-encoding every copy (the builder deep-copies the data bytes) took a good part of a core at the
 * MLP's rates, on the two cores the job under test needs.
 *
 * <p>Frame's body starts with sensor_id (a string), frame_id and event_time (longs); encoded as zero,
 * each of the two longs is the single byte 0, which is where the template is cut. Not thread-safe (one stamp buffer reused).
 */
final class FrameTemplate {
    private final byte[] prefix;
    private final byte[] suffix;
    private final byte[] stamp = new byte[2 * 10];
    private BinaryEncoder encoder;

    FrameTemplate(Frame frame) {
        List<String> leading = Frame.getClassSchema().getFields().stream().limit(3).map(Schema.Field::name).toList();
        if (!leading.equals(List.of("sensor_id", "frame_id", "event_time"))) {
            throw new IllegalStateException("Frame's schema no longer starts with sensor_id, frame_id, event_time but " + leading);
        }
        byte[] zeroed = BenchModel.encode(Frame.newBuilder(frame).setFrameId(0).setEventTime(Instant.EPOCH).build());
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.writeBytes(SingleObject.header(Frame.getClassSchema()));
        write(head, encoder -> encoder.writeString(frame.getSensorId()));
        prefix = head.toByteArray();
        int at = prefix.length;
        if (!Arrays.equals(zeroed, 0, at, prefix, 0, at) || zeroed[at] != 0 || zeroed[at + 1] != 0) {
            throw new IllegalStateException("Frame's body does not start with sensor_id, frame_id, event_time: the template cannot be cut");
        }
        suffix = Arrays.copyOfRange(zeroed, at + 2, zeroed.length);
    }

    /**
     * The two longs are encoded into a scratch of 20 bytes (Avro's zig-zag varints, at most 10 bytes each), and
     * the frame is put together in one array of its exact size: for the Crayfish-shaped model's 3 KB frames a
     * stream grown and copied out allocated and copied every frame twice, on the sender that shares the two
     * cores with the job.
     */
    byte[] bytes(long frameId, long eventTimeMillis) {
        int stamped = BinaryData.encodeLong(frameId, stamp, 0);
        stamped += BinaryData.encodeLong(eventTimeMillis, stamp, stamped);
        byte[] out = new byte[prefix.length + stamped + suffix.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(stamp, 0, out, prefix.length, stamped);
        System.arraycopy(suffix, 0, out, prefix.length + stamped, suffix.length);
        return out;
    }

    private interface Writes {
        void to(BinaryEncoder encoder) throws IOException;
    }

    /** Avro's own encoding of a few fields, appended to out. */
    private void write(ByteArrayOutputStream out, Writes fields) {
        try {
            encoder = EncoderFactory.get().directBinaryEncoder(out, encoder);
            fields.to(encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
