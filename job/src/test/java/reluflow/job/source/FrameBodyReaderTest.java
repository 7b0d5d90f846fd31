package reluflow.job.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import reluflow.avro.Frame;
import reluflow.avro.TensorType;

/** The hand-written Frame body reader against Avro's own decoder, on frames Avro wrote. */
class FrameBodyReaderTest {
    private static final int HEADER = 10;

    @Test
    void readsTheGeneratedFrameSchema() {
        assertThat(FrameBodyReader.reads(Frame.getClassSchema())).isTrue();
    }

    @Test
    void readsWhatAvroWritesAsAvroReadsIt() throws Exception {
        Random random = new Random(11);
        for (int i = 0; i < 300; i++) {
            Frame frame = randomFrame(random);
            byte[] bytes = bytes(frame.toByteBuffer());
            Frame avro = Frame.getDecoder().decode(ByteBuffer.wrap(bytes));
            Frame ours = FrameBodyReader.read(bytes, HEADER);
            assertThat(ours).isEqualTo(avro).isEqualTo(frame);
            assertThat(ours.getData().remaining()).isEqualTo(frame.getData().remaining());
        }
    }

    /**
     * Consecutive frames of one shape share one list (no list and no boxed dimension per frame); a shape that is
     * a prefix of the last, longer than it, empty or different from its first dimension still reads exactly.
     */
    @Test
    void framesOfOneShapeShareOneListAndEveryShapeReadsAsWritten() throws Exception {
        List<List<Integer>> shapes = List.of(List.of(3, 784), List.of(3, 784), List.of(3), List.of(3, 784, 2), List.of(),
                List.of(5, 784), List.of(5, 784), List.of(3, 784), List.of(1000));
        List<Integer> previous = null;
        for (int i = 0; i < shapes.size(); i++) {
            List<Integer> shape = shapes.get(i);
            int elements = shape.stream().reduce(1, (a, b) -> a * b);
            Frame frame = Frame.newBuilder().setSensorId("s").setFrameId(i).setEventTime(Instant.ofEpochMilli(i))
                    .setShape(shape).setDtype(TensorType.UINT8).setData(ByteBuffer.wrap(new byte[elements]))
                    .setAttributes(Map.of()).build();
            Frame ours = FrameBodyReader.read(bytes(frame.toByteBuffer()), HEADER);
            assertThat(ours).isEqualTo(frame);
            assertThat(ours.getShape()).as("frame %d", i).containsExactlyElementsOf(shape);
            if (i > 0 && shape.equals(shapes.get(i - 1))) {
                assertThat(ours.getShape()).as("frame %d", i).isSameAs(previous);
            }
            previous = ours.getShape();
        }
    }

    /**
     * Other writers may split arrays and maps into several blocks, and give a block a negative count
     * followed by its size in bytes (Avro's spec allows both): the same frame as one block each.
     */
    @Test
    void readsArraysAndMapsWrittenInSeveralSizedBlocks() throws Exception {
        Frame frame = Frame.newBuilder().setSensorId("s").setFrameId(-5L).setEventTime(Instant.ofEpochMilli(42L))
                .setShape(List.of(1, 2, 3)).setDtype(TensorType.UINT8).setData(ByteBuffer.wrap(new byte[] {9, 8, 7, 6, 5, 4}))
                .setAttributes(Map.of("a", "x", "b", "y")).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Arrays.copyOf(bytes(frame.toByteBuffer()), HEADER));
        string(out, "s");
        varint(out, -5);
        varint(out, 42);
        // shape: a block of -2 items of 2 bytes, then a block of 1, then the end.
        varint(out, -2);
        varint(out, 2);
        varint(out, 1);
        varint(out, 2);
        varint(out, 1);
        varint(out, 3);
        varint(out, 0);
        varint(out, 1);
        varint(out, 6);
        out.write(new byte[] {9, 8, 7, 6, 5, 4});
        // attributes: two blocks of one entry, the second sized.
        varint(out, 1);
        string(out, "a");
        string(out, "x");
        varint(out, -1);
        varint(out, 4);
        string(out, "b");
        string(out, "y");
        varint(out, 0);
        byte[] bytes = out.toByteArray();
        assertThat(Frame.getDecoder().decode(ByteBuffer.wrap(bytes))).isEqualTo(frame);
        assertThat(FrameBodyReader.read(bytes, HEADER)).isEqualTo(frame);
    }

    /**
     * Attributes are checked when the frame is read but decoded on first use: the same map as Avro's, a repeated
     * key's last value winning as in Avro's reader, and as mutable as the map Avro's decoder builds.
     */
    @Test
    void attributesDecodedOnFirstUseAreAvrosMapAndMutable() throws Exception {
        Frame frame = Frame.newBuilder().setSensorId("s").setFrameId(1L).setEventTime(Instant.ofEpochMilli(1L))
                .setShape(List.of(1)).setDtype(TensorType.UINT8).setData(ByteBuffer.wrap(new byte[] {1}))
                .setAttributes(Map.of()).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] empty = bytes(frame.toByteBuffer());
        // The frame without its attributes' terminating 0, then a block of three entries, "a" given twice.
        out.write(empty, 0, empty.length - 1);
        varint(out, 3);
        string(out, "a");
        string(out, "first");
        string(out, "ville");
        string(out, "Besançon");
        string(out, "a");
        string(out, "second");
        varint(out, 0);
        byte[] bytes = out.toByteArray();

        Map<String, String> avro = Frame.getDecoder().decode(ByteBuffer.wrap(bytes)).getAttributes();
        Frame ours = FrameBodyReader.read(bytes, HEADER);
        assertThat(avro).isEqualTo(Map.of("a", "second", "ville", "Besançon"));
        assertThat(ours.getAttributes()).isEqualTo(avro).hasSize(2).containsEntry("ville", "Besançon");
        assertThat(avro).isEqualTo(ours.getAttributes());
        assertThat(ours.getAttributes().hashCode()).isEqualTo(avro.hashCode());

        ours.getAttributes().put("added", "1");
        ours.getAttributes().remove("a");
        assertThat(ours.getAttributes()).isEqualTo(Map.of("ville", "Besançon", "added", "1"));
        // Written back by Avro's own encoder, the frame carries the map as it now is.
        Frame rewritten = Frame.fromByteBuffer(ours.toByteBuffer());
        assertThat(rewritten.getAttributes()).isEqualTo(Map.of("ville", "Besançon", "added", "1"));
    }

    @Test
    void aFrameWithoutAttributesHasAnEmptyMutableMap() throws Exception {
        Frame frame = Frame.newBuilder().setSensorId("s").setFrameId(1L).setEventTime(Instant.ofEpochMilli(1L))
                .setShape(List.of(1)).setDtype(TensorType.UINT8).setData(ByteBuffer.wrap(new byte[] {1}))
                .setAttributes(Map.of()).build();
        Map<String, String> attributes = FrameBodyReader.read(bytes(frame.toByteBuffer()), HEADER).getAttributes();
        assertThat(attributes).isEmpty();
        attributes.put("k", "v");
        assertThat(attributes).containsEntry("k", "v");
    }

    private static void string(ByteArrayOutputStream out, String value) {
        byte[] utf8 = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        varint(out, utf8.length);
        out.write(utf8, 0, utf8.length);
    }

    /** Avro's zig-zag varint. */
    private static void varint(ByteArrayOutputStream out, long n) {
        long z = (n << 1) ^ (n >> 63);
        while ((z & ~0x7FL) != 0) {
            out.write((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.write((int) z);
    }

    @Test
    void everyTruncationIsCorruptNeverAnException() throws Exception {
        Frame frame = Frame.newBuilder().setSensorId("cam-7").setFrameId(1234567L).setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
                .setShape(List.of(2, 3)).setDtype(TensorType.UINT8).setData(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6}))
                .setAttributes(Map.of("label", "cat")).build();
        byte[] bytes = bytes(frame.toByteBuffer());
        for (int length = HEADER; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            try {
                FrameBodyReader.read(cut, HEADER);
                throw new AssertionError("a body cut to " + length + " of " + bytes.length + " bytes was read as a frame");
            } catch (FrameBodyReader.Corrupt e) {
                assertThat(e.getMessage()).startsWith("Frame.");
            }
        }
    }

    private static Frame randomFrame(Random random) {
        List<Integer> shape = new ArrayList<>();
        int rank = random.nextInt(4);
        int elements = 1;
        for (int d = 0; d < rank; d++) {
            int dim = 1 + random.nextInt(5);
            shape.add(dim);
            elements *= dim;
        }
        boolean uint8 = random.nextBoolean();
        byte[] data = new byte[elements * (uint8 ? 1 : 4)];
        random.nextBytes(data);
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int a = random.nextInt(4); a > 0; a--) {
            attributes.put("k" + random.nextInt(1000), random.nextBoolean() ? "véhicule-" + a : "");
        }
        String sensor = random.nextBoolean() ? "sensor-" + random.nextInt(100) : "カメラ" + random.nextInt(9);
        return Frame.newBuilder().setSensorId(sensor).setFrameId(random.nextLong())
                .setEventTime(Instant.ofEpochMilli(random.nextLong() >> 22)).setShape(shape)
                .setDtype(uint8 ? TensorType.UINT8 : TensorType.FLOAT32).setData(ByteBuffer.wrap(data)).setAttributes(attributes).build();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
