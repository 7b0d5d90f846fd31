package reluflow.job.source;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import reluflow.avro.Frame;
import reluflow.avro.TensorType;

/**
 * Reads the Avro binary body of a Frame written with this job's own Frame schema (the single-object
 * fingerprint says so), field by field, checking every length and item count against the bytes
 * actually left before allocating anything.
 *
 * <p>Why the checks: Avro's BinaryDecoder allocates a bytes or string field's buffer, and an array's
 * backing array, from the length prefix alone, bounded only by {@code org.apache.avro.SystemLimitException}'s
 * JVM-wide limits (2^31-9 by default). A 20-byte record claiming a 1 GiB {@code data} field or a
 * 2^30-item {@code shape} would make it allocate gigabytes before finding the body short: an
 * OutOfMemoryError that kills the TaskManager on every restart, since the record is replayed. A body
 * shorter than its claimed lengths can never be valid, so rejecting it loses nothing and bounds every
 * allocation by the record's real size.
 *
 * <p>Why by hand: Avro generates no custom decoder for a record with logical types (event_time), and
 * its resolving reader plus a separate pass for the checks cost about a third of the MLP pipeline's
 * task thread. One pass here does both, and {@code data} is a view of the record's bytes, which the
 * job keeps anyway for the dead-letter topic, instead of a copy. Tests hold it to Avro's own decoder.
 */
final class FrameBodyReader {
    /** The fields read here, in order; the reader is used only while the schema has exactly these. */
    static final List<String> FIELDS = List.of("sensor_id", "frame_id", "event_time", "shape", "dtype", "data", "attributes");
    private static final TensorType[] DTYPES = TensorType.values();

    private final byte[] bytes;
    private int pos;

    private FrameBodyReader(byte[] bytes, int start) {
        this.bytes = bytes;
        this.pos = start;
    }

    /** Whether a schema is the Frame schema this reader was written for. */
    static boolean reads(Schema schema) {
        return schema.getFields().stream().map(Schema.Field::name).toList().equals(FIELDS)
                && schema.getField("dtype").schema().getEnumSymbols().equals(List.of("FLOAT32", "UINT8"));
    }

    /** The frame whose body starts at {@code start}; {@link Corrupt} says precisely what does not fit. */
    static Frame read(byte[] bytes, int start) throws Corrupt {
        return new FrameBodyReader(bytes, start).frame();
    }

    private Frame frame() throws Corrupt {
        String sensorId = string("Frame.sensor_id");
        long frameId = varlong("Frame.frame_id");
        Instant eventTime = Instant.ofEpochMilli(varlong("Frame.event_time"));
        List<Integer> shape = shape();
        int dtype = varint("Frame.dtype");
        if (dtype < 0 || dtype >= DTYPES.length) {
            throw new Corrupt("Frame.dtype has symbol index " + dtype + " but TensorType has " + DTYPES.length + " symbols "
                    + List.of(DTYPES));
        }
        int dataLength = length("Frame.data", " bytes");
        ByteBuffer data = ByteBuffer.wrap(bytes, pos, dataLength).slice();
        pos += dataLength;
        Map<String, String> attributes = attributes();
        return new Frame(sensorId, frameId, eventTime, shape, DTYPES[dtype], data, attributes);
    }

    /**
     * The last shape read, shared by every frame of that shape: a stream's frames nearly all have the model's
     * one shape, and a list built for each frame boxed every dimension over 127 (the Crayfish-shaped model's 784)
     * and was a visible share of reading an MLP frame. Immutable, so frames on any thread may share it; a race
     * between two threads reading different shapes only builds one list more. A stream whose frames alternate
     * between shapes builds every frame's list, as before, plus its immutable copy.
     */
    private static List<Integer> lastShape = List.of();

    private List<Integer> shape() throws Corrupt {
        List<Integer> last = lastShape;
        int matched = 0;
        List<Integer> built = null;
        for (long count = blockCount("Frame.shape"); count > 0; count = blockCount("Frame.shape")) {
            for (long i = 0; i < count; i++) {
                int dim = varint("Frame.shape[]");
                if (built == null) {
                    if (matched < last.size() && last.get(matched) == dim) {
                        matched++;
                        continue;
                    }
                    built = new ArrayList<>(Math.max(4, matched + 1));
                    built.addAll(last.subList(0, matched));
                }
                built.add(dim);
            }
        }
        if (built == null) {
            if (matched == last.size()) {
                return last;
            }
            built = last.subList(0, matched);
        }
        List<Integer> shape = List.copyOf(built);
        lastShape = shape;
        return shape;
    }

    /**
     * Every length is checked here, as for the other fields, but the strings are decoded only when the map is
     * first used: the job itself never reads attributes, and building their strings and map was 6% of the MLP
     * pipeline's task thread (two attributes per frame) in a profile.
     */
    private Map<String, String> attributes() throws Corrupt {
        int start = pos;
        long entries = 0;
        for (long count = blockCount("Frame.attributes"); count > 0; count = blockCount("Frame.attributes")) {
            for (long i = 0; i < count; i++) {
                // Not pos += length(...): the left operand would be read before length() moves pos past the prefix.
                int keyLength = length("Frame.attributes[] key", " bytes");
                pos += keyLength;
                int valueLength = length("Frame.attributes[]", " bytes");
                pos += valueLength;
            }
            entries += count;
        }
        return entries == 0 ? new HashMap<>() : new DeferredAttributes(bytes, start);
    }

    /** The attributes map whose encoding {@link #attributes()} checked, starting at {@code start}. */
    static Map<String, String> decodeAttributes(byte[] bytes, int start) {
        FrameBodyReader reader = new FrameBodyReader(bytes, start);
        Map<String, String> attributes = new HashMap<>();
        try {
            for (long count = reader.blockCount("Frame.attributes"); count > 0; count = reader.blockCount("Frame.attributes")) {
                for (long i = 0; i < count; i++) {
                    String key = reader.string("Frame.attributes[] key");
                    attributes.put(key, reader.string("Frame.attributes[]"));
                }
            }
        } catch (Corrupt e) {
            throw new IllegalStateException("attributes checked when their frame was read no longer decode: " + e.getMessage(), e);
        }
        return attributes;
    }

    /** An array or map block's item count (0 ends the array); at least one byte per item must be left. */
    private long blockCount(String where) throws Corrupt {
        long count = varlong(where);
        if (count < 0) {
            // A negative count is followed by the block's size in bytes (for skipping).
            count = -count;
            varlong(where);
        }
        if (count < 0 || count > remaining()) {
            throw new Corrupt(where + " claims " + count + " items but only " + remaining() + " bytes remain in the record");
        }
        return count;
    }

    private String string(String where) throws Corrupt {
        int length = length(where, " bytes");
        String value = new String(bytes, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return value;
    }

    private int length(String where, String unit) throws Corrupt {
        long length = varlong(where);
        if (length < 0 || length > remaining()) {
            throw new Corrupt(where + " claims " + length + unit + " but only " + remaining() + " remain in the record");
        }
        return (int) length;
    }

    /** A zig-zag int: at most 5 bytes, as Avro reads it. */
    private int varint(String where) throws Corrupt {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = next(where);
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (value >>> 1) ^ -(value & 1);
            }
        }
        throw new Corrupt(where + " has an int longer than 5 bytes");
    }

    /** A zig-zag long: at most 10 bytes. */
    private long varlong(String where) throws Corrupt {
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = next(where);
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (value >>> 1) ^ -(value & 1);
            }
        }
        throw new Corrupt(where + " has a number longer than 10 bytes");
    }

    private int next(String where) throws Corrupt {
        if (pos >= bytes.length) {
            throw new Corrupt(where + " is cut off: the record ends inside a number");
        }
        return bytes[pos++] & 0xFF;
    }

    private int remaining() {
        return bytes.length - pos;
    }

    /** A body that cannot be what it claims; control flow, so no stack trace. */
    static final class Corrupt extends Exception {
        private static final long serialVersionUID = 1L;

        Corrupt(String message) {
            super(message, null, false, false);
        }
    }
}
