package reluflow.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
import reluflow.engine.inference.FrameValidator;

/**
 * Assembling one batch of float frames into ONNX Runtime's direct input buffer, with the check that every
 * value is finite, two ways. {@code copyThenCheckCopy} is what the engine does: the Avro bytes into the
 * direct buffer, then that frame, still in L1, copied back into an int array for a check the JIT vectorizes.
 * {@code checkHeapBytesThenCopy} is the one-copy alternative: the check reads the Avro bytes' heap array
 * itself, two floats per 8-byte read (the JDK 17 JIT vectorizes neither those reads nor a reduction), then
 * one copy. Frames cycle through a pool larger than the caches, as records arriving from Kafka do. Per batch of
 * 32. Run: {@code java -jar benchmarks/target/reluflow-benchmarks.jar FrameCopyBenchmark -f 1 -wi 3 -i 5}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FrameCopyBenchmark {
    private static final int BATCH = 32;
    private static final int POOL = 8192;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Two floats' exponent fields; a field of all ones (NaN, infinity) carries into its float's top bit when its lowest bit is added. */
    private static final long EXPONENTS = 0x7F8000007F800000L;
    private static final long EXPONENT_LOWEST_BITS = 0x0080000000800000L;
    private static final long TOP_BITS = 0x8000000080000000L;

    /** The Crayfish-shaped model's 784 inputs; the demo MLP's 64. */
    @Param({"784", "64"})
    public int elements;

    private ByteBuffer[] frames;
    private ByteBuffer input;
    private IntBuffer inputBits;
    private int[] bits;
    private int next;

    @Setup
    public void setUp() {
        Random random = new Random(5);
        int bytes = elements * Float.BYTES;
        frames = new ByteBuffer[POOL];
        for (int p = 0; p < POOL; p++) {
            // Avro's decoded bytes are a slice of a larger array, at an offset.
            byte[] record = new byte[bytes + 41];
            ByteBuffer data = ByteBuffer.wrap(record, 17, bytes).slice().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < elements; i++) {
                data.putFloat(i * Float.BYTES, random.nextFloat() * 4 - 2);
            }
            frames[p] = data;
        }
        input = ByteBuffer.allocateDirect(BATCH * bytes).order(ByteOrder.nativeOrder());
        inputBits = input.asIntBuffer();
        bits = new int[elements];
    }

    @Benchmark
    public int copyThenCheckCopy() {
        input.clear();
        int finite = 0;
        for (int f = 0; f < BATCH; f++) {
            input.put(nextFrame());
            inputBits.get(f * elements, bits, 0, elements);
            finite += FrameValidator.allFiniteOverwriting(bits, elements) ? 1 : 0;
        }
        return finite;
    }

    @Benchmark
    public int checkHeapBytesThenCopy() {
        input.clear();
        int finite = 0;
        for (int f = 0; f < BATCH; f++) {
            ByteBuffer data = nextFrame();
            finite += allFinite(data.array(), data.arrayOffset() + data.position(), elements) ? 1 : 0;
            input.put(data);
        }
        return finite;
    }

    private ByteBuffer nextFrame() {
        ByteBuffer frame = frames[next].duplicate();
        next = (next + 1) % POOL;
        return frame;
    }

    private static boolean allFinite(byte[] record, int offset, int floats) {
        long carries = 0;
        int pairs = floats / 2;
        for (int i = 0; i < pairs; i++) {
            carries |= ((long) LONGS.get(record, offset + 8 * i) & EXPONENTS) + EXPONENT_LOWEST_BITS;
        }
        boolean finite = (carries & TOP_BITS) == 0;
        if (floats % 2 == 1) {
            finite &= Float.isFinite(ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN).getFloat(offset + 8 * pairs));
        }
        return finite;
    }
}
