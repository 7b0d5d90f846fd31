package reluflow.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import reluflow.avro.BoundingBox;
import reluflow.avro.DeadLetter;
import reluflow.avro.Detection;
import reluflow.avro.ErrorKind;
import reluflow.avro.FrameDetections;
import reluflow.avro.ModelIdentity;
import reluflow.engine.inference.LayerSparsityMap;

/** The sink's values are exactly Avro's single-object encoding, whatever came before them through the same serializer. */
class AvroKafkaSerializerTest {
    private static final ModelIdentity MODEL = ModelIdentity.newBuilder().setName("m").setVersion("1").setSha256("a".repeat(64)).build();

    @Test
    void valuesAreTheGeneratedSingleObjectBytesRecordAfterRecord() throws Exception {
        AvroKafkaSerializer<FrameDetections> serializer = new AvroKafkaSerializer<>("detections",
                d -> d.getSensorId().getBytes(StandardCharsets.UTF_8));
        Random random = new Random(3);
        // Sizes up and down, one far beyond the reused buffer's first size: no byte of an earlier record leaks into a later one.
        for (int detections : new int[] {0, 3, 400, 1, 0, 50, 2}) {
            FrameDetections record = detections(random, detections);
            ProducerRecord<byte[], byte[]> out = serializer.serialize(record, null, 1234L);
            assertThat(out.value()).isEqualTo(bytes(record.toByteBuffer()));
            assertThat(FrameDetections.fromByteBuffer(ByteBuffer.wrap(out.value()))).isEqualTo(record);
            assertThat(out.key()).isEqualTo(record.getSensorId().getBytes(StandardCharsets.UTF_8));
            assertThat(out.topic()).isEqualTo("detections");
            assertThat(out.timestamp()).isEqualTo(1234L);
        }
    }

    /**
     * The engine's sparsity map (layer names shared by every frame) and labels that are the same String objects
     * record after record are written from kept encodings: a label or name that changes, for the same class or
     * layer, is written as it now is.
     */
    @Test
    void keptNameAndLabelEncodingsFollowWhatEachRecordHolds() throws Exception {
        AvroKafkaSerializer<FrameDetections> serializer = new AvroKafkaSerializer<>("detections", d -> null);
        Random random = new Random(7);
        String[] labels = {"cat", "dog", "", "ёж"};
        String[][] layerNames = {{"fc1_relu", "fc2_relu"}, {"fc1_relu", "fc2_relu"}, {"conv", "fc2_relu"}, {"слой"}};
        for (int i = 0; i < 40; i++) {
            String[] names = layerNames[i % layerNames.length];
            float[] fractions = new float[names.length];
            for (int l = 0; l < names.length; l++) {
                fractions[l] = random.nextFloat();
            }
            if (i == 20) {
                labels[1] = "wolf";
            }
            List<Detection> detections = new ArrayList<>();
            for (int d = 0; d < random.nextInt(4); d++) {
                int classIndex = random.nextInt(labels.length);
                detections.add(new Detection(classIndex, labels[classIndex], random.nextFloat(),
                        random.nextBoolean() ? null : new BoundingBox(1f, 2f, 3f, 4f)));
            }
            // Beyond the kept slots: a class index in the thousands.
            detections.add(new Detection(5000 + i, "far-" + i, 0.5f, null));
            FrameDetections record = new FrameDetections("sensor", (long) i, Instant.ofEpochMilli(1_700_000_000_000L), MODEL, detections,
                    new LayerSparsityMap(names, fractions), 32, 150L, Instant.ofEpochMilli(1_700_000_000_500L));
            byte[] value = serializer.serialize(record, null, null).value();
            assertThat(value).isEqualTo(bytes(record.toByteBuffer()));
            assertThat(FrameDetections.fromByteBuffer(ByteBuffer.wrap(value)).getLayerSparsity()).isEqualTo(record.getLayerSparsity());
        }
    }

    /** The model identity's encoding is kept between records: another identity, or one changed in place, is written as it now is. */
    @Test
    void aChangedModelIdentityIsWrittenAsItNowIs() throws Exception {
        AvroKafkaSerializer<FrameDetections> serializer = new AvroKafkaSerializer<>("detections", d -> null);
        Random random = new Random(5);
        ModelIdentity model = ModelIdentity.newBuilder(MODEL).build();
        List<Runnable> changes = List.of(() -> { }, () -> model.setVersion("2"), () -> model.setName("другая"),
                () -> model.setSha256("b".repeat(64)), () -> { });
        for (Runnable change : changes) {
            change.run();
            FrameDetections record = detections(random, 2);
            record.setModel(model);
            assertThat(serializer.serialize(record, null, null).value()).isEqualTo(bytes(record.toByteBuffer()));
            FrameDetections other = detections(random, 1);
            assertThat(serializer.serialize(other, null, null).value()).isEqualTo(bytes(other.toByteBuffer()));
        }
    }

    @Test
    void detectionsTakeTheFieldByFieldWriterOnlyWhileTheSchemaIsTheOneItWrites() {
        assertThat(FrameDetectionsBody.writes(FrameDetections.getClassSchema())).isTrue();
        org.apache.avro.Schema grown = org.apache.avro.SchemaBuilder.record("FrameDetections").namespace("reluflow.avro").fields()
                .requiredString("sensor_id").optionalString("site").endRecord();
        assertThat(FrameDetectionsBody.writes(grown)).isFalse();
        assertThat(FrameDetectionsBody.writes(DeadLetter.getClassSchema())).isFalse();
    }

    @Test
    void eachRecordTypeCarriesItsOwnSchemaFingerprint() throws Exception {
        AvroKafkaSerializer<DeadLetter> serializer = new AvroKafkaSerializer<>("dead-letters", d -> null);
        DeadLetter letter = DeadLetter.newBuilder().setSourceTopic("frames").setPartition(1).setOffset(7)
                .setKey(null).setValue(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                .setErrorKind(ErrorKind.DESERIALIZATION).setErrorMessage("corrupt").setFailedAt(Instant.ofEpochMilli(99)).build();
        ProducerRecord<byte[], byte[]> out = serializer.serialize(letter, null, -1L);
        assertThat(out.value()).isEqualTo(bytes(letter.toByteBuffer()));
        assertThat(DeadLetter.fromByteBuffer(ByteBuffer.wrap(out.value()))).isEqualTo(letter);
        assertThat(out.timestamp()).isNull();
    }

    private static FrameDetections detections(Random random, int count) {
        List<Detection> detections = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BoundingBox box = random.nextBoolean() ? null
                    : new BoundingBox(random.nextFloat(), random.nextFloat(), random.nextFloat(), random.nextFloat());
            detections.add(new Detection(random.nextInt(1000), "class-" + i, random.nextFloat(), box));
        }
        // Frames not sampled for sparsity have an empty map.
        Map<String, Float> sparsity = new LinkedHashMap<>();
        if (count % 2 == 0) {
            sparsity.put("relu1", random.nextFloat());
            sparsity.put("relu2", random.nextFloat());
        }
        return new FrameDetections("sensor-" + random.nextInt(50), random.nextLong(), Instant.ofEpochMilli(1_700_000_000_000L + count),
                MODEL, detections, sparsity, 32, 150L, Instant.ofEpochMilli(1_700_000_000_500L));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
