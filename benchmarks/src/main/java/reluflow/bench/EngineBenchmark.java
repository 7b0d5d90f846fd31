package reluflow.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import reluflow.avro.Frame;
import reluflow.engine.EngineException;
import reluflow.engine.config.EngineConfig;
import reluflow.engine.config.ExecutionProvider;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.DemoModels;
import reluflow.engine.demo.SyntheticFrames;
import reluflow.engine.inference.FrameOutcome;
import reluflow.engine.inference.InferenceEngine;

/**
 * Throughput of {@link InferenceEngine#infer} on the demo models, on CPU with one intra-op thread.
 *
 * <p>One operation is one batch of {@code batch} frames, so the score is batches/s; frames/s is
 * score * batch ({@code @OperationsPerInvocation} cannot take a {@code @Param}).
 * {@link EngineBenchmarkTable} runs this and prints frames/s and the ratios.
 *
 * <p>Modes: {@code plain} = sample rate 0 (plain session only), {@code instrumented} = sample rate 1
 * (every frame on the session exposing ReLU outputs, zeros counted), {@code sampled10} = sample rate
 * 0.1 (about one frame in ten measured; a batch is split between the two sessions).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class EngineBenchmark {

    /** Frames generated up front; a multiple of every batch size, so batches never wrap. */
    static final int FRAME_POOL = 4096;
    static final long SEED = 42L;
    static final int SENSORS = 16;

    @Param({"MLP", "CNN"})
    public String kind;

    @Param({"1", "8", "32", "128"})
    public int batch;

    @Param({"plain", "instrumented", "sampled10"})
    public String mode;

    private Path dir;
    private InferenceEngine engine;
    private List<Frame> frames;
    private int offset;

    /** Sample rate for a mode name. */
    static double sampleRate(String mode) {
        return switch (mode) {
            case "plain" -> 0.0;
            case "instrumented" -> 1.0;
            case "sampled10" -> 0.1;
            default -> throw new IllegalArgumentException("unknown mode " + mode + " (plain, instrumented, sampled10)");
        };
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException, EngineException {
        DemoModelKind modelKind = DemoModelKind.valueOf(kind);
        dir = Files.createTempDirectory("reluflow-bench-");
        Path model = dir.resolve(modelKind.name().toLowerCase() + ".onnx");
        DemoModels.write(modelKind, model);
        int pool = FRAME_POOL - FRAME_POOL % batch;
        frames = List.copyOf(SyntheticFrames.generate(modelKind, pool, SEED, SENSORS, 0L, 10L));
        EngineConfig config = EngineConfig.defaults(model)
                .withProvider(ExecutionProvider.CPU)
                .withIntraOpThreads(1)
                .withSampleRate(sampleRate(mode));
        engine = InferenceEngine.open(config);
        // Rejections, or a batch that ONNX Runtime refused and the engine retried frame by frame (logged
        // only at WARN, which the benchmark jar does not print), would make the numbers meaningless.
        boolean singleSession = !"sampled10".equals(mode);
        for (FrameOutcome outcome : engine.infer(frames.subList(0, batch))) {
            if (outcome instanceof FrameOutcome.Rejected rejected) {
                throw new IllegalStateException("frame rejected during set-up: " + rejected.rejection());
            }
            int ran = ((FrameOutcome.Inferred) outcome).result().batchSize();
            if (singleSession && ran != batch) {
                throw new IllegalStateException("a batch of " + batch + " ran as batches of " + ran + " (retried frame by frame?)");
            }
        }
        offset = 0;
    }

    @Benchmark
    public void inferBatch(Blackhole bh) {
        int from = offset;
        int to = from + batch;
        offset = to >= frames.size() ? 0 : to;
        bh.consume(engine.infer(frames.subList(from, to)));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (engine != null) {
            engine.close();
            engine = null;
        }
        if (dir != null) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
            dir = null;
        }
    }
}
