package reluflow.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
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
import reluflow.avro.Frame;
import reluflow.avro.ModelIdentity;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.SyntheticFrames;
import reluflow.engine.io.SingleObject;
import reluflow.job.source.FrameDecoder;
import reluflow.job.source.SourceRecord;

/**
 * What one record costs the Kafka source's decoder, by kind of record: a valid MLP frame, and the bad
 * records of a flood (random bytes, a truncated frame, another schema, a length prefix that lies).
 * {@code valid784}: a frame of the Crayfish-shaped model's 784 floats, whose one dimension is over the JVM's
 * cache of boxed integers. A flood of bad records slows the good ones behind it by this cost per bad record, no more:
 * bad records never reach batching or ONNX Runtime. Run:
 * {@code java -jar benchmarks/target/reluflow-benchmarks.jar DecodeBenchmark -f 1 -wi 2 -i 3}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class DecodeBenchmark {
    @Param({"valid", "valid784", "garbage", "truncated", "otherSchema", "lyingLength"})
    public String record;

    private byte[] value;

    @Setup
    public void setUp() throws Exception {
        Frame frame = SyntheticFrames.frame(DemoModelKind.MLP, 1, 1L, 1, 0L, 0L);
        byte[] valid = SingleObject.encode(frame);
        value = switch (record) {
            case "valid" -> valid;
            case "valid784" -> SingleObject.encode(Frame.newBuilder(frame).setShape(List.of(784))
                    .setData(ByteBuffer.allocate(784 * Float.BYTES)).build());
            case "garbage" -> "garbage, not a frame at all, but long enough".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            case "truncated" -> Arrays.copyOf(valid, valid.length / 2);
            case "otherSchema" -> SingleObject.encode(new ModelIdentity("m", "1", "00"));
            case "lyingLength" -> lyingLength();
            default -> throw new IllegalArgumentException(record);
        };
    }

    /** A one-float frame whose data length prefix is rewritten to claim 1 GiB. */
    private static byte[] lyingLength() {
        Frame small = Frame.newBuilder(SyntheticFrames.frame(DemoModelKind.MLP, 1, 1L, 1, 0L, 0L))
                .setShape(List.of(1)).setData(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, 1f)).build();
        byte[] bytes = SingleObject.encode(small);
        // The 4-byte data field is encoded as zig-zag varint 8 followed by the bytes: claim 2^30 instead.
        for (int i = 10; i < bytes.length - 5; i++) {
            if (bytes[i] == 8 && bytes[i + 1] == 0 && bytes[i + 2] == 0 && bytes[i + 3] == (byte) 0x80 && bytes[i + 4] == 0x3f) {
                byte[] lie = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
                byte[] out = new byte[bytes.length + lie.length - 1];
                System.arraycopy(bytes, 0, out, 0, i);
                System.arraycopy(lie, 0, out, i, lie.length);
                System.arraycopy(bytes, i + 1, out, i + lie.length, bytes.length - i - 1);
                return out;
            }
        }
        throw new IllegalStateException("data field not found");
    }

    @Benchmark
    public SourceRecord decode() {
        return FrameDecoder.decode("frames", 0, 0L, null, value);
    }
}
