package reluflow.engine.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecordBase;

/** A record as Kafka carries it: Avro single-object encoding (marker, writer-schema fingerprint, body). */
public final class SingleObject {
    /** Bytes before the body: the 2-byte marker C3 01 and the writer schema's 8-byte CRC-64-AVRO fingerprint. */
    public static final int HEADER_BYTES = 10;

    private SingleObject() {
    }

    /** The header every value written with this schema starts with: marker, then the fingerprint little-endian. */
    public static byte[] header(Schema schema) {
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        byte[] header = new byte[HEADER_BYTES];
        header[0] = (byte) 0xC3;
        header[1] = (byte) 0x01;
        for (int i = 0; i < 8; i++) {
            header[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
        return header;
    }

    public static byte[] encode(SpecificRecordBase record) {
        try {
            ByteBuffer buffer = (ByteBuffer) record.getClass().getMethod("toByteBuffer").invoke(record);
            return bytes(buffer);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw new UncheckedIOException("Cannot encode a " + record.getSchema().getName(), io);
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(record.getClass() + " is not a generated Avro record", e);
        }
    }

    /** The remaining bytes of a buffer, without moving it. */
    public static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
