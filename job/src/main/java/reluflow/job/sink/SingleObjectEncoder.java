package reluflow.job.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import reluflow.avro.FrameDetections;
import reluflow.engine.io.SingleObject;

/**
 * Avro single-object encoding (marker C3 01, the writer schema's CRC-64-AVRO fingerprint little-endian,
 * then the binary body): the same bytes as the generated {@code toByteBuffer}, made with one copy.
 * Avro's message encoder writes the body byte by byte into a synchronized stream, wraps a copy of it
 * in a buffer, which the Kafka value then copied again; here a buffered encoder writes into one
 * reused array and the value is the single copy Kafka needs. Not thread-safe: one per sink writer.
 */
final class SingleObjectEncoder<T extends SpecificRecord> {
    private final byte[] header;
    private final BodyWriter<T> body;
    private final ReusedOutput out = new ReusedOutput();
    /**
     * Made once: it always writes into {@code out}, and each record ends with a flush that leaves its
     * buffer empty. Reconfigured per record, as {@code binaryEncoder(out, reuse)} does, it built a new
     * output sink for every record (3% of the MLP pipeline's task thread in a profile).
     */
    private final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);

    SingleObjectEncoder(Schema schema, SpecificData model) {
        this.body = bodyWriter(schema, model);
        header = SingleObject.header(schema);
    }

    byte[] encode(T record) throws IOException {
        out.reset();
        out.write(header, 0, header.length);
        body.write(record, encoder);
        encoder.flush();
        return out.copy();
    }

    interface BodyWriter<T> {
        void write(T record, Encoder out) throws IOException;
    }

    /** FrameDetections, one per frame, through its field-by-field writer; every other record through Avro's. */
    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> BodyWriter<T> bodyWriter(Schema schema, SpecificData model) {
        if (FrameDetectionsBody.writes(schema)) {
            FrameDetectionsBody detections = new FrameDetectionsBody();
            return (record, out) -> detections.write((FrameDetections) record, out);
        }
        SpecificDatumWriter<T> writer = new SpecificDatumWriter<>(schema, model);
        return writer::write;
    }

    /** A growable byte array, reused record after record; unsynchronized, unlike ByteArrayOutputStream. */
    private static final class ReusedOutput extends OutputStream {
        private byte[] bytes = new byte[1024];
        private int count;

        void reset() {
            count = 0;
        }

        byte[] copy() {
            return Arrays.copyOf(bytes, count);
        }

        @Override
        public void write(int b) {
            ensure(1);
            bytes[count++] = (byte) b;
        }

        @Override
        public void write(byte[] source, int offset, int length) {
            ensure(length);
            System.arraycopy(source, offset, bytes, count, length);
            count += length;
        }

        private void ensure(int more) {
            if (count + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + more));
            }
        }
    }
}
