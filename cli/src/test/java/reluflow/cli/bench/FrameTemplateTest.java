package reluflow.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reluflow.avro.Detection;
import reluflow.avro.Frame;
import reluflow.avro.FrameDetections;
import reluflow.avro.ModelIdentity;

/** The latency sender's pre-encoded frames and the reader's stamp are exactly what Avro writes and reads. */
class FrameTemplateTest {
    private static final List<Long> VALUES = List.of(0L, 1L, -1L, 63L, 64L, -65L, 1_733_000_000_123L, Long.MAX_VALUE, Long.MIN_VALUE);

    @Test
    void stampedTemplateIsTheFrameAvroWouldEncode() throws Exception {
        for (String model : BenchModel.KNOWN) {
            Frame frame = BenchModel.of(model).frame(7);
            FrameTemplate template = new FrameTemplate(frame);
            for (long id : VALUES) {
                for (long time : List.of(0L, 1_733_000_000_123L, -5L)) {
                    Frame expected = Frame.newBuilder(frame).setFrameId(id).setEventTime(Instant.ofEpochMilli(time)).build();
                    byte[] bytes = template.bytes(id, time);
                    assertThat(bytes).as(model + " id " + id + " time " + time).isEqualTo(BenchModel.encode(expected));
                    assertThat(Frame.getDecoder().decode(bytes)).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void stampReadsFrameIdEventAndProcessingTimeOfAnyDetections() throws Exception {
        for (long id : VALUES) {
            long time = Math.floorMod(id, 4_000_000_000_000L);
            FrameDetections detections = FrameDetections.newBuilder()
                    .setSensorId("sensor-with-a-longer-name-" + id)
                    .setFrameId(id)
                    .setEventTime(Instant.ofEpochMilli(time))
                    .setModel(new ModelIdentity("m", "1", "ab"))
                    .setDetections(List.of(new Detection(3, "three", 0.5f, null)))
                    .setLayerSparsity(Map.of("relu1", 0.25f))
                    .setBatchSize(32)
                    .setInferenceMicros(99)
                    .setProcessedAt(Instant.ofEpochMilli(time + 17))
                    .build();
            if (id % 2 == 0) {
                // Boxes and several layers: the walk must step over every variable-size part.
                detections.setDetections(List.of(new Detection(1, "", 0.9f, new reluflow.avro.BoundingBox(0.1f, 0.2f, 0.3f, 0.4f)),
                        new Detection(2, "two", 0.7f, null)));
                detections.setLayerSparsity(Map.of("a", 0.5f, "conv/relu:0", 0.75f, "c", 0f));
            }
            ByteBuffer buffer = detections.toByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            assertThat(DetectionStamp.read(bytes)).isEqualTo(new DetectionStamp.Stamp(id, time, time + 17, 32, 99));
        }
    }

    @Test
    void stampRefusesAnotherSchema() {
        byte[] frame = BenchModel.encode(BenchModel.of("mlp").frame(1));
        assertThatThrownBy(() -> DetectionStamp.read(frame)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DetectionStamp.read(new byte[3])).isInstanceOf(IllegalArgumentException.class);
    }
}
