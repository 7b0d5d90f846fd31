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

    // ---- Records whose length prefixes lie: rejected before Avro allocates what they claim ----

    /** A Frame body written by hand, so its prefixes can claim what its bytes do not hold; null parts are left out. */
    private static byte[] crafted(long shapeCount, int[] shapeItems, long dtype, Long dataLength, byte[] data) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(JobTestSupport.encode(FRAME), 0, 10);
        byte[] sensor = "cam-7".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        varint(out, sensor.length);
        out.write(sensor, 0, sensor.length);
        varint(out, 42);
        varint(out, 1_700_000_000_000L);
        varint(out, shapeCount);
        if (shapeCount < 0) {
            varint(out, shapeItems.length); // a negative count is followed by the block's size in bytes
        }
        for (int item : shapeItems) {
            varint(out, item);
        }
        if (shapeItems.length > 0 && shapeItems.length == Math.abs(shapeCount)) {
            varint(out, 0);
        }
        if (dataLength == null) {
            return out.toByteArray();
        }
        varint(out, dtype);
        varint(out, dataLength);
        out.write(data, 0, data.length);
        if (data.length == dataLength) {
            varint(out, 0);
        }
        return out.toByteArray();
    }

    /** Avro's zig-zag varint. */
    private static void varint(java.io.ByteArrayOutputStream out, long n) {
        long z = (n << 1) ^ (n >> 63);
        while ((z & ~0x7FL) != 0) {
            out.write((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.write((int) z);
    }

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void theHandWrittenBodyIsAValidFrameWhenItsPrefixesTellTheTruth() {
        SourceRecord record = decode(crafted(1, new int[] {2}, 1, 2L, new byte[] {3, 4}));
        assertThat(record.isFrame()).as(String.valueOf(record.deadLetter)).isTrue();
        assertThat(record.frame).isEqualTo(Frame.newBuilder(FRAME).setAttributes(Map.of()).build());
    }

    @Test
    void lengthPrefixesClaimingGigabytesAreDeadLettersWithoutTheAllocation() {
        record Lie(byte[] value, String message) {
        }
        List<Lie> lies = List.of(
                new Lie(crafted(1, new int[] {2}, 1, (long) Integer.MAX_VALUE, new byte[0]),
                        "corrupt Frame body: Frame.data claims 2147483647 bytes but only 0 remain in the record"),
                // Below Avro's own limit (2^31-9): without the scan Avro would allocate this gigabyte.
                new Lie(crafted(1, new int[] {2}, 1, 1L << 30, new byte[] {1, 2, 3}),
                        "corrupt Frame body: Frame.data claims 1073741824 bytes but only 3 remain in the record"),
                new Lie(crafted(1L << 30, new int[] {2, 2, 2}, 0, null, null),
                        "corrupt Frame body: Frame.shape claims 1073741824 items but only 3 bytes remain in the record"),
                // A negative block count (followed by the block's byte size) is the same claim.
                new Lie(crafted(-(1L << 30), new int[0], 0, null, null),
                        "corrupt Frame body: Frame.shape claims 1073741824 items but only 0 bytes remain in the record"));
        for (Lie lie : lies) {
            long before = allocatedByThisThread();
            SourceRecord record = decode(lie.value());
            long allocated = allocatedByThisThread() - before;
            assertDead(record, lie.value(), lie.message());
            assertThat(record.deadLetter.getErrorMessage()).isEqualTo(lie.message());
            assertThat(allocated).as("bytes allocated decoding: " + lie.message()).isLessThan(4L << 20);
        }
    }

    @Test
    void anUnknownDtypeIndexIsADeserializationDeadLetterSayingSo() {
        byte[] value = crafted(1, new int[] {2}, 7, 2L, new byte[] {3, 4});
        SourceRecord record = decode(value);
        assertDead(record, value, "x");
        assertThat(record.deadLetter.getErrorMessage())
                .isEqualTo("corrupt Frame body: Frame.dtype has symbol index 7 but TensorType has 2 symbols [FLOAT32, UINT8]");
    }

    @Test
    void aRecordFarLargerThanMaxFrameBytesIsTooLargeWithoutDecoding() {
        byte[] value = crafted(1, new int[] {2048}, 1, 2048L, new byte[2048]);
        SourceRecord fits = FrameDecoder.decode("frames", 2, 99, null, value, 2048);
        assertThat(fits.isFrame()).isTrue();
        byte[] big = crafted(1, new int[] {1 << 20}, 1, (long) (1 << 20), new byte[1 << 20]);
        SourceRecord record = FrameDecoder.decode("frames", 2, 99, null, big, 1024);
        assertThat(record.isFrame()).isFalse();
        assertThat(record.deadLetter.getErrorKind()).isEqualTo(ErrorKind.TOO_LARGE);
        assertThat(record.deadLetter.getErrorMessage()).isEqualTo("record of " + big.length
                + " bytes exceeds engine.max-frame-bytes (1024) plus 65536 bytes for the other fields; rejected before decoding");
        assertThat(record.deadLetter.getKey()).isNull();
        assertThat(record.deadLetter.getValue()).isEqualTo(ByteBuffer.wrap(big));
    }

    @Test
    void aNullKeyIsKeptNull() {
        byte[] bytes = JobTestSupport.encode(FRAME);
        SourceRecord frame = FrameDecoder.decode("frames", 0, 1, null, bytes);
        assertThat(frame.isFrame()).isTrue();
        assertThat(frame.key).isNull();
        SourceRecord dead = FrameDecoder.decode("frames", 0, 2, null, new byte[] {1, 2, 3});
        assertThat(dead.deadLetter.getKey()).isNull();
    }
}
