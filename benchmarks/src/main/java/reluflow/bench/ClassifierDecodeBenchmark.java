package reluflow.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import reluflow.avro.Detection;
import reluflow.engine.config.DecoderConfig.ScoreActivation;
import reluflow.engine.decode.BatchOutputs;
import reluflow.engine.decode.ClassifierDecoder;
import reluflow.engine.decode.Labels;
import reluflow.engine.decode.TensorView;

/**
 * A classifier head's top-1 decode of one batch of logits held in a direct buffer, as ONNX Runtime leaves them:
 * frame by frame (a view and a map entry per frame, then {@code decode}) against the whole batch at once
 * ({@code decodeBatch}). Per batch of {@code frames}; divide by it for a frame's cost. Run:
 * {@code java -jar benchmarks/target/reluflow-benchmarks.jar ClassifierDecodeBenchmark -f 1 -wi 3 -i 5}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ClassifierDecodeBenchmark {
    /** The demo MLP's 8 classes, the Crayfish-shaped model's 10, an ImageNet head's 1,000. */
    @Param({"8", "10", "1000"})
    public int classes;

    @Param({"32"})
    public int frames;

    @Param({"SOFTMAX", "NONE"})
    public ScoreActivation activation;

    private ClassifierDecoder decoder;
    private BatchOutputs batch;

    @Setup
    public void setUp() {
        decoder = new ClassifierDecoder("logits", activation, 1, 0.0, Labels.none());
        Random random = new Random(7);
        FloatBuffer logits = ByteBuffer.allocateDirect(frames * classes * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < frames * classes; i++) {
            logits.put(i, random.nextFloat() * 20 - 10);
        }
        batch = new BatchOutputs(new String[] {"logits"}, new FloatBuffer[] {logits}, new int[] {classes}, new int[] {classes},
                new long[][] {{classes}}, frames);
    }

    @Benchmark
    public Object frameByFrame() {
        Map<String, TensorView> outputs = new HashMap<>();
        Object[] detections = new Object[frames];
        for (int f = 0; f < frames; f++) {
            outputs.put("logits", batch.frame(0, f));
            detections[f] = decoder.decode(outputs);
        }
        return detections;
    }

    @Benchmark
    public List<List<Detection>> wholeBatch() {
        return decoder.decodeBatch(batch);
    }
}
