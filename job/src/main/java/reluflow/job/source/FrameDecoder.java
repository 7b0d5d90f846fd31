package reluflow.job.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;
import reluflow.avro.ErrorKind;
import reluflow.avro.Frame;
import reluflow.engine.config.EngineConfig;

/**
 * Decodes a Kafka value as a Frame in Avro single-object encoding. Never throws: whatever the
 * bytes are, the answer is a frame or a dead letter saying precisely why not.
 */
public final class FrameDecoder {
    private static final byte[] MARKER = {(byte) 0xC3, (byte) 0x01};
    private static final int HEADER = 10;
    /**
     * Room beside a frame's data for the header, sensor id, shape and attributes. A record larger than
     * engine.max-frame-bytes plus this cannot hold a frame the engine accepts, so it is turned away
     * before decoding: decoding it would only allocate its size again to then reject it as TOO_LARGE.
     */
    public static final int FIELDS_ALLOWANCE = 64 * 1024;
    private static final long FRAME_FINGERPRINT = SchemaNormalization.parsingFingerprint64(Frame.getClassSchema());
    /** Whether {@link FrameBodyReader} matches the generated Frame schema; if a schema change outran it, Avro's reader serves. */
    private static final boolean BODY_READER_FITS = FrameBodyReader.reads(Frame.getClassSchema());

    private FrameDecoder() {
    }

    /** Decodes with the default engine.max-frame-bytes. */
    public static SourceRecord decode(String topic, int partition, long offset, byte[] key, byte[] value) {
        return decode(topic, partition, offset, key, value, EngineConfig.DEFAULT_MAX_FRAME_BYTES);
    }

    /** Decodes a record; one larger than maxFrameBytes plus {@link #FIELDS_ALLOWANCE} is TOO_LARGE without decoding. */
    public static SourceRecord decode(String topic, int partition, long offset, byte[] key, byte[] value, int maxFrameBytes) {
        String problem = checkHeader(value);
        if (problem != null) {
            return dead(topic, partition, offset, key, value, problem);
        }
        long limit = (long) maxFrameBytes + FIELDS_ALLOWANCE;
        if (value.length > limit) {
            return SourceRecord.ofDeadLetter(DeadLetters.of(topic, partition, offset, key, value, ErrorKind.TOO_LARGE,
                    "record of " + value.length + " bytes exceeds engine.max-frame-bytes (" + maxFrameBytes + ") plus "
                            + FIELDS_ALLOWANCE + " bytes for the other fields; rejected before decoding"));
        }
        // Only the Frame schema is registered with the decoder; another fingerprint fails below without reading the body.
        if (fingerprintOf(value) == FRAME_FINGERPRINT && BODY_READER_FITS) {
            try {
                return SourceRecord.ofFrame(FrameBodyReader.read(value, HEADER), topic, partition, offset, key, value);
            } catch (FrameBodyReader.Corrupt e) {
                return dead(topic, partition, offset, key, value, "corrupt Frame body: " + e.getMessage());
            }
        }
        if (fingerprintOf(value) == FRAME_FINGERPRINT) {
            String lie = AvroLengthScan.check(Frame.getClassSchema(), value, HEADER);
            if (lie != null) {
                return dead(topic, partition, offset, key, value, "corrupt Frame body: " + lie);
            }
        }
        try {
            Frame frame = Frame.getDecoder().decode(ByteBuffer.wrap(value));
            return SourceRecord.ofFrame(frame, topic, partition, offset, key, value);
        } catch (MissingSchemaException e) {
            return dead(topic, partition, offset, key, value,
                    "written with an unknown schema (fingerprint " + fingerprint(value) + "), not a reluflow.avro.Frame schema this job knows");
        } catch (BadHeaderException e) {
            return dead(topic, partition, offset, key, value, "not Avro single-object encoding: " + e.getMessage());
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            return dead(topic, partition, offset, key, value, "corrupt Frame body: " + describe(e));
        } catch (RuntimeException e) {
            return dead(topic, partition, offset, key, value, "cannot decode Frame: " + describe(e));
        }
    }

    private static String checkHeader(byte[] value) {
        if (value == null) {
            return "empty record (null value, a tombstone)";
        }
        if (value.length == 0) {
            return "empty record (0 bytes)";
        }
        if (value.length < HEADER || value[0] != MARKER[0] || value[1] != MARKER[1]) {
            return "not Avro single-object encoding: expected marker C3 01 and an 8-byte schema fingerprint, got "
                    + value.length + " bytes starting " + hex(value, 4);
        }
        return null;
    }

    private static SourceRecord dead(String topic, int partition, long offset, byte[] key, byte[] value, String message) {
        return SourceRecord.ofDeadLetter(DeadLetters.of(topic, partition, offset, key, value, ErrorKind.DESERIALIZATION, message));
    }

    private static String fingerprint(byte[] value) {
        return String.format("%016x", fingerprintOf(value));
    }

    private static long fingerprintOf(byte[] value) {
        return ByteBuffer.wrap(value, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static String hex(byte[] bytes, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(max, bytes.length); i++) {
            out.append(String.format("%02X ", bytes[i]));
        }
        return out.toString().trim();
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
