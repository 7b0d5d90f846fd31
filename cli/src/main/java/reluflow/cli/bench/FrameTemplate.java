package reluflow.cli.bench;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import reluflow.avro.Frame;
import reluflow.engine.io.SingleObject;

/**
 * One frame's single-object bytes with its frame id and event time left open, so the latency sender
 * stamps each copy by writing two varints between a prefix and a suffix encoded once. Building and
 * Avro-encoding every copy (the builder deep-copies the data bytes) took a good part of a core at the
 * MLP's rates, on the two cores the job under test needs.
 *
 * <p>Frame's body starts with sensor_id (a string), frame_id and event_time (longs, zig-zag varints);
 * encoded as zero, each of the two longs is the single byte 0, which is where the template is cut.
 */
final class FrameTemplate {
    private final byte[] prefix;
    private final byte[] suffix;

    FrameTemplate(Frame frame) {
        List<String> leading = Frame.getClassSchema().getFields().stream().limit(3).map(Schema.Field::name).toList();
        if (!leading.equals(List.of("sensor_id", "frame_id", "event_time"))) {
            throw new IllegalStateException("Frame's schema no longer starts with sensor_id, frame_id, event_time but " + leading);
        }
        byte[] zeroed = BenchModel.encode(Frame.newBuilder(frame).setFrameId(0).setEventTime(Instant.EPOCH).build());
        int at = SingleObject.HEADER_BYTES;
        long[] length = readVarint(zeroed, at);
        at = (int) length[1] + (int) zigZag(length[0]);
        if (zeroed[at] != 0 || zeroed[at + 1] != 0) {
            throw new IllegalStateException("Frame's body does not start with sensor_id, frame_id, event_time: the template cannot be cut");
        }
        prefix = Arrays.copyOfRange(zeroed, 0, at);
        suffix = Arrays.copyOfRange(zeroed, at + 2, zeroed.length);
    }

    byte[] bytes(long frameId, long eventTimeMillis) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(prefix.length + suffix.length + 20);
        out.writeBytes(prefix);
        writeLong(out, frameId);
        writeLong(out, eventTimeMillis);
        out.writeBytes(suffix);
        return out.toByteArray();
    }

    /** Avro's long: zig-zag, then 7 bits a byte, low first. */
    private static void writeLong(ByteArrayOutputStream out, long value) {
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
    }

    /** Avro's zig-zag long from its raw varint. */
    static long zigZag(long n) {
        return (n >>> 1) ^ -(n & 1);
    }

    /** {raw varint, offset after it}. */
    static long[] readVarint(byte[] bytes, int at) {
        long n = 0;
        int shift = 0;
        int b;
        do {
            b = bytes[at++] & 0xFF;
            n |= (long) (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return new long[] {n, at};
    }
}
