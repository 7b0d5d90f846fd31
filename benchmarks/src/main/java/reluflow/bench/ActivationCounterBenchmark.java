package reluflow.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import reluflow.engine.sparsity.ActivationCounter;
import reluflow.engine.sparsity.BatchCounter;
import reluflow.engine.sparsity.LayerCounts;

/**
 * What counting one ReLU layer of a batch of 32 frames costs (zeros per frame, fired units): the
 * instrumented engine pays it per layer on top of the plain one. Shapes: the demo MLP's two hidden
 * layers (32 and 24 units), a wider dense layer, and a conv layer of 16 channels of 12x12. Half the
 * activations are zero, at random, as a ReLU gives. As in the engine, the values are copied in bulk out of
 * the direct buffer ONNX Runtime wrote, as raw float bits, then counted frame by frame. Run:
 * {@code java -jar benchmarks/target/reluflow-benchmarks.jar ActivationCounterBenchmark -f 1 -wi 3 -i 5}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ActivationCounterBenchmark {
    private static final int FRAMES = 32;

    @Param({"dense32", "dense24", "dense512", "conv16x12x12"})
    public String layer;

    private IntBuffer output;
    private BatchCounter counter;
    private ActivationCounter.Layout layout;
    private long[] frameShape;

    @Setup
    public void setUp() {
        frameShape = switch (layer) {
            case "dense32" -> new long[] {32};
            case "dense24" -> new long[] {24};
            case "dense512" -> new long[] {512};
            case "conv16x12x12" -> new long[] {16, 12, 12};
            default -> throw new IllegalArgumentException(layer);
        };
        long perFrame = 1;
        for (long d : frameShape) {
            perFrame *= d;
        }
        int count = Math.toIntExact(perFrame * FRAMES);
        ByteBuffer direct = ByteBuffer.allocateDirect(count * Float.BYTES).order(ByteOrder.nativeOrder());
        Random random = new Random(3);
        for (int i = 0; i < count; i++) {
            direct.putFloat(i * Float.BYTES, random.nextBoolean() ? 0f : random.nextFloat() + 0.01f);
        }
        output = direct.asIntBuffer();
        counter = new BatchCounter("layer");
        layout = ActivationCounter.Layout.of(frameShape, 0);
    }

    @Benchmark
    public LayerCounts countBatch() {
        counter.begin(layout, FRAMES);
        counter.loadAll(output, FRAMES);
        LayerCounts counts = counter.newCounts(FRAMES, false);
        counter.countAll(FRAMES, counts);
        return counts;
    }
}
