package reluflow.engine.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.specific.SpecificRecordBase;

/** A record as Kafka carries it: Avro single-object encoding (marker, writer-schema fingerprint, body). */
public final class SingleObject {
    private SingleObject() {
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
