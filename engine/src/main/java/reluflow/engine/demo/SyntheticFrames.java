package reluflow.engine.demo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import reluflow.avro.Frame;
import reluflow.avro.TensorType;

/**
 * Synthetic input frames for the demo models, with their ground truth in the frame attributes
 * (see {@link GroundTruth}).
 *
 * <p>Each frame is drawn from its own random generator seeded by (seed, kind, index), so frame i
 * is the same whether it is produced alone, in a list, or a million frames into a stream, and no
 * generator state has to be carried between frames.
 */
public final class SyntheticFrames {

    /** Attribute keys written by this class and read by {@link GroundTruth}. */
    static final String LABEL = "label";
    static final String LABEL_NAME = "label_name";
    static final String OBJECTS = "objects";

    private SyntheticFrames() {
    }

    /** All frames in a list; for large counts prefer {@link #iterator} or {@link #stream}. */
    public static List<Frame> generate(DemoModelKind kind, int count, long seed, int sensors,
            long startMillis, long spacingMillis) {
        checkArgs(count, sensors);
        List<Frame> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            frames.add(frame(kind, i, seed, sensors, startMillis, spacingMillis));
        }
        return frames;
    }

    /** Lazily generated frames: memory use does not grow with {@code count}. */
    public static Iterator<Frame> iterator(DemoModelKind kind, long count, long seed, int sensors,
            long startMillis, long spacingMillis) {
        checkArgs(count, sensors);
        return new Iterator<>() {
            private long next;

            @Override
            public boolean hasNext() {
                return next < count;
            }

            @Override
            public Frame next() {
                if (next >= count) {
                    throw new NoSuchElementException();
                }
                return frame(kind, next++, seed, sensors, startMillis, spacingMillis);
            }
        };
    }

    /** Sequential lazy stream over the same frames as {@link #iterator}. */
    public static Stream<Frame> stream(DemoModelKind kind, long count, long seed, int sensors,
            long startMillis, long spacingMillis) {
        Iterator<Frame> it = iterator(kind, count, seed, sensors, startMillis, spacingMillis);
        return StreamSupport.stream(Spliterators.spliterator(it, count,
                Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.IMMUTABLE), false);
    }

    /**
     * Frame number {@code index} of the sequence: sensor {@code index % sensors} (round robin),
     * event time {@code startMillis + index * spacingMillis}.
     */
    public static Frame frame(DemoModelKind kind, long index, long seed, int sensors,
            long startMillis, long spacingMillis) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, was " + index);
        }
        checkArgs(0, sensors);
        Random random = new Random(frameSeed(seed, kind, index));
        Map<String, String> attributes = new LinkedHashMap<>();
        Frame.Builder frame = Frame.newBuilder()
                .setSensorId("sensor-" + (index % sensors))
                .setFrameId(index)
                .setEventTime(Instant.ofEpochMilli(startMillis + index * spacingMillis))
                .setShape(new ArrayList<>(DemoModels.frameShape(kind)));
        switch (kind) {
            case MLP -> frame.setDtype(TensorType.FLOAT32).setData(mlpFeatures(random, attributes));
            case CNN -> frame.setDtype(TensorType.UINT8).setData(CnnImages.render(random, attributes));
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        }
        return frame.setAttributes(attributes).build();
    }

    private static ByteBuffer mlpFeatures(Random random, Map<String, String> attributes) {
        int label = random.nextInt(MlpTask.CLASSES);
        float[] mu = MlpTask.prototype(label);
        ByteBuffer data = ByteBuffer.allocate(MlpTask.FEATURES * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float m : mu) {
            data.putFloat((float) (m + MlpTask.NOISE_SIGMA * random.nextGaussian()));
        }
        data.flip();
        attributes.put(LABEL, Integer.toString(label));
        attributes.put(LABEL_NAME, MlpTask.LABELS.get(label));
        return data;
    }

    /** SplitMix64 finaliser: neighbouring indices and seeds must give unrelated generators. */
    private static long frameSeed(long seed, DemoModelKind kind, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index + ((long) kind.ordinal() << 56);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void checkArgs(long count, int sensors) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, was " + count);
        }
        if (sensors < 1) {
            throw new IllegalArgumentException("sensors must be >= 1, was " + sensors);
        }
    }
}
