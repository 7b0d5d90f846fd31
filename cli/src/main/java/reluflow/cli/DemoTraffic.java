package reluflow.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import reluflow.avro.ErrorKind;
import reluflow.avro.Frame;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.SyntheticFrames;
import reluflow.engine.io.SingleObject;

/**
 * Produces the demo's frames to Kafka as any producer would: Avro single-object values keyed by
 * sensor id, event_time stamped at send time. One record in {@value #BAD_EVERY} is bad on purpose.
 */
final class DemoTraffic {
    static final int BAD_EVERY = 250;
    static final long SEED = 7L;
    static final int SENSORS = 4;

    private final DemoModelKind kind;
    private final int frames;
    private final int ratePerSecond;

    /** @param ratePerSecond frames sent per second, 0 for as fast as the producer goes */
    DemoTraffic(DemoModelKind kind, int frames, int ratePerSecond) {
        this.kind = kind;
        this.frames = frames;
        this.ratePerSecond = ratePerSecond;
    }

    /** The frame sent as record i, with its ground truth; the event time is set when it is sent. */
    Frame frame(long index) {
        return SyntheticFrames.frame(kind, index, SEED, SENSORS, 0L, 0L);
    }

    /** What kind of dead letter record i must become, or null for a valid frame. */
    static ErrorKind expectedError(long index) {
        if (index % BAD_EVERY != BAD_EVERY - 1) {
            return null;
        }
        return switch ((int) (index / BAD_EVERY % 4)) {
            case 0 -> ErrorKind.DESERIALIZATION;
            case 1 -> ErrorKind.SHAPE_MISMATCH;
            case 2 -> ErrorKind.NON_FINITE;
            default -> ErrorKind.DESERIALIZATION;
        };
    }

    void send(String bootstrap, String topic, ProgressBar progress) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            for (long i = 0; i < frames; i++) {
                pace(start, i);
                Frame frame = Frame.newBuilder(frame(i)).setEventTime(Instant.now()).build();
                byte[] key = frame.getSensorId().getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, key, value(i, frame)), (meta, e) -> {
                    if (e != null) {
                        throw new IllegalStateException("Sending a demo frame failed: " + e.getMessage(), e);
                    }
                });
                progress.update(i + 1);
            }
            producer.flush();
        }
    }

    private void pace(long startNanos, long sent) {
        if (ratePerSecond <= 0) {
            return;
        }
        long due = startNanos + sent * 1_000_000_000L / ratePerSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
    }

    private static byte[] value(long index, Frame frame) {
        ErrorKind bad = expectedError(index);
        if (bad == null) {
            return SingleObject.encode(frame);
        }
        if (bad == ErrorKind.SHAPE_MISMATCH) {
            return SingleObject.encode(Frame.newBuilder(frame).setShape(List.of(7, 7)).build());
        }
        if (bad == ErrorKind.NON_FINITE) {
            int elements = frame.getShape().stream().reduce(1, (a, b) -> a * b);
            ByteBuffer data = ByteBuffer.allocate(elements * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            data.putFloat(0, Float.NaN);
            return SingleObject.encode(Frame.newBuilder(frame).setDtype(reluflow.avro.TensorType.FLOAT32).setData(data).build());
        }
        // Alternately plain garbage and a valid frame cut short.
        byte[] valid = SingleObject.encode(frame);
        return index / BAD_EVERY % 4 == 0 ? "garbage, not a frame".getBytes(StandardCharsets.UTF_8)
                : java.util.Arrays.copyOf(valid, valid.length / 2);
    }
}
