package reluflow.job.source;

import org.apache.avro.Schema;

/**
 * Walks an Avro binary body against its writer schema, checking every length and item count
 * against the bytes that are actually left, without allocating anything.
 *
 * <p>Why: Avro's BinaryDecoder allocates a bytes or string field's buffer, and an array's backing
 * array, from the length prefix alone ({@code ByteBuffer.allocate(claimed)}), checked only against
 * {@code org.apache.avro.SystemLimitException}'s JVM-wide limits (2^31-9 by default). A 20-byte
 * record claiming a 1 GiB {@code data} field or a 2^30-item {@code shape} makes the decoder allocate
 * gigabytes before it finds the body is short: an OutOfMemoryError that kills the TaskManager, on
 * every restart, since the record is replayed. Tightening the limits with system properties
 * ({@code org.apache.avro.limits.*.maxLength}) is no fix: they are read once per JVM, must stay above
 * the largest {@code engine.max-frame-bytes} of any job on the TaskManager, and still allow that much
 * allocation per lying record. A body shorter than its claimed lengths can never be valid, so
 * rejecting it up front loses nothing and bounds every allocation by the record's real size.
 */
final class AvroLengthScan {
    /** A varint longer than this is not an Avro int or long. */
    private static final int MAX_VARINT_BYTES = 10;

    private final byte[] bytes;
    private int pos;

    private AvroLengthScan(byte[] bytes, int start) {
        this.bytes = bytes;
        this.pos = start;
    }

    /** Null when every length and count in the body fits the bytes left; otherwise what does not. */
    static String check(Schema schema, byte[] bytes, int start) {
        AvroLengthScan scan = new AvroLengthScan(bytes, start);
        try {
            scan.walk(schema, schema.getName());
            return null;
        } catch (Mismatch e) {
            return e.getMessage();
        }
    }

    private void walk(Schema schema, String where) throws Mismatch {
        switch (schema.getType()) {
            case NULL -> {
            }
            case BOOLEAN -> skip(1, where);
            case INT, LONG -> varint(where);
            case ENUM -> {
                // Checked here too so an unknown symbol index gets a message saying so, not an IndexOutOfBoundsException.
                long index = varint(where);
                if (index < 0 || index >= schema.getEnumSymbols().size()) {
                    throw new Mismatch(where + " has symbol index " + index + " but " + schema.getName() + " has "
                            + schema.getEnumSymbols().size() + " symbols " + schema.getEnumSymbols());
                }
            }
            case FLOAT -> skip(4, where);
            case DOUBLE -> skip(8, where);
            case FIXED -> skip(schema.getFixedSize(), where);
            case STRING, BYTES -> {
                long length = varint(where);
                if (length < 0 || length > remaining()) {
                    throw new Mismatch(where + " claims " + length + " bytes but only " + remaining() + " remain in the record");
                }
                pos += (int) length;
            }
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    walk(field.schema(), where + "." + field.name());
                }
            }
            case UNION -> {
                long branch = varint(where);
                if (branch < 0 || branch >= schema.getTypes().size()) {
                    throw new Mismatch(where + " has union branch " + branch + " of " + schema.getTypes().size());
                }
                walk(schema.getTypes().get((int) branch), where);
            }
            case ARRAY -> items(where, schema.getElementType(), null);
            case MAP -> items(where, schema.getValueType(), Schema.create(Schema.Type.STRING));
            default -> throw new Mismatch(where + " has unsupported type " + schema.getType());
        }
    }

    /** Array or map blocks: each block's count must fit the bytes left, at one byte per item at least. */
    private void items(String where, Schema value, Schema key) throws Mismatch {
        while (true) {
            long count = varint(where);
            if (count == 0) {
                return;
            }
            if (count < 0) {
                // A negative count is followed by the block's size in bytes (for skipping).
                count = -count;
                varint(where);
            }
            // Items of type null take no bytes; no ReluFlow schema has them, so one byte per item is the floor.
            if (count < 0 || count > remaining()) {
                throw new Mismatch(where + " claims " + count + " items but only " + remaining() + " bytes remain in the record");
            }
            String item = where + "[]";
            for (long i = 0; i < count; i++) {
                if (key != null) {
                    walk(key, item + " key");
                }
                walk(value, item);
            }
        }
    }

    private void skip(int n, String where) throws Mismatch {
        if (n > remaining()) {
            throw new Mismatch(where + " needs " + n + " bytes but only " + remaining() + " remain in the record");
        }
        pos += n;
    }

    private long varint(String where) throws Mismatch {
        long value = 0;
        for (int shift = 0, i = 0; i < MAX_VARINT_BYTES; i++, shift += 7) {
            if (pos >= bytes.length) {
                throw new Mismatch(where + " is cut off: the record ends inside a number");
            }
            int b = bytes[pos++] & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (value >>> 1) ^ -(value & 1);
            }
        }
        throw new Mismatch(where + " has a number longer than " + MAX_VARINT_BYTES + " bytes");
    }

    private int remaining() {
        return bytes.length - pos;
    }

    /** Control flow for a body that cannot be what it claims; no stack trace needed. */
    private static final class Mismatch extends Exception {
        private static final long serialVersionUID = 1L;

        Mismatch(String message) {
            super(message, null, false, false);
        }
    }
}
