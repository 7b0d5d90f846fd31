package reluflow.job.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reluflow.avro.ErrorKind;
import reluflow.avro.Frame;
import reluflow.avro.ModelIdentity;
import reluflow.avro.TensorType;
import reluflow.job.JobTestSupport;

class FrameDecoderTest {
    private static final Frame FRAME = Frame.newBuilder()
            .setSensorId("cam-7").setFrameId(42).setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
            .setShape(List.of(2)).setDtype(TensorType.UINT8).setData(ByteBuffer.wrap(new byte[] {3, 4}))
            .setAttributes(Map.of("label", "1")).build();

    private static SourceRecord decode(byte[] value) {
        return FrameDecoder.decode("frames", 2, 99, "key".getBytes(), value);
    }

    private static void assertDead(SourceRecord record, byte[] value, String messagePart) {
        assertThat(record.isFrame()).isFalse();
        assertThat(record.deadLetter.getErrorKind()).isEqualTo(ErrorKind.DESERIALIZATION);
        assertThat(record.deadLetter.getErrorMessage()).contains(messagePart);
        assertThat(record.deadLetter.getSourceTopic()).isEqualTo("frames");
        assertThat(record.deadLetter.getPartition()).isEqualTo(2);
        assertThat(record.deadLetter.getOffset()).isEqualTo(99);
        assertThat(record.deadLetter.getKey()).isEqualTo(ByteBuffer.wrap("key".getBytes()));
        assertThat(record.deadLetter.getValue()).isEqualTo(value == null ? null : ByteBuffer.wrap(value));
    }

    @Test
    void aValidFrameDecodesAndKeepsItsOriginalBytes() {
        byte[] bytes = JobTestSupport.encode(FRAME);
        SourceRecord record = decode(bytes);
        assertThat(record.frame).isEqualTo(FRAME);
        assertThat(record.value).isEqualTo(bytes);
        assertThat(record.offset).isEqualTo(99);
    }

    @Test
    void randomBytesAreNotSingleObjectEncoding() {
        byte[] random = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88, (byte) 0x99, 0x00, 0x01};
        assertDead(decode(random), random, "not Avro single-object encoding: expected marker C3 01");
    }

    @Test
    void emptyAndNullValues() {
        assertDead(decode(new byte[0]), new byte[0], "empty record (0 bytes)");
        assertDead(decode(null), null, "empty record (null value, a tombstone)");
    }

    @Test
    void aTruncatedFrameIsACorruptBody() {
        byte[] bytes = JobTestSupport.encode(FRAME);
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);
        assertDead(decode(truncated), truncated, "corrupt Frame body");
    }

    @Test
    void aRecordOfAnotherSchemaIsNamedByItsFingerprint() throws Exception {
        ByteBuffer other = ModelIdentity.newBuilder().setName("m").setVersion("1").setSha256("00").build().toByteBuffer();
        byte[] bytes = new byte[other.remaining()];
        other.get(bytes);
        assertDead(decode(bytes), bytes, "written with an unknown schema (fingerprint ");
    }
}
