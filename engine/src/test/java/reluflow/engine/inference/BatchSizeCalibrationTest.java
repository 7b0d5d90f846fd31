package reluflow.engine.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reluflow.engine.TinyModel;
import reluflow.engine.config.EngineConfig;
import reluflow.engine.config.ExecutionProvider;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.DemoModels;

/** The choice is tested on given costs; the measurement only for what it returns, never for timings. */
class BatchSizeCalibrationTest {
    @TempDir
    Path dir;

    @Test
    void choosesTheSmallestSizeWithinToleranceOfTheCheapest() {
        // A compute-bound model: every size costs the same per frame, so batching buys nothing but waiting.
        assertThat(BatchSizeCalibration.choose(new TreeMap<>(Map.of(1, 350.0, 2, 352.0, 4, 349.0, 8, 351.0, 32, 362.0)), 0.05))
                .isEqualTo(1);
        assertThat(BatchSizeCalibration.choose(new TreeMap<>(Map.of(1, 9.0, 8, 3.0, 32, 1.0)), 0.05)).isEqualTo(32);
    }

    @Test
    void whereBatchingPaysTakesTheLargestSizeWithinToleranceWhoseCallIsShort() {
        // The demo MLP as a fresh JVM measured it: 64 is the smallest within 10%, and 128's call is 58 us.
        assertThat(BatchSizeCalibration.choose(new TreeMap<>(Map.of(1, 5.7, 2, 3.0, 4, 1.7, 8, 1.04, 16, 0.72, 32, 0.55, 64, 0.46,
                128, 0.45)), 0.10)).isEqualTo(128);
        // A heavier dense model: 4 is the smallest within 5%; 8 and 16 are within it with calls of 400 and 816 us, 32's
        // call (1,616 us) would add over a millisecond to every frame's wait.
        assertThat(BatchSizeCalibration.choose(new TreeMap<>(Map.of(1, 100.0, 2, 60.0, 4, 52.0, 8, 50.0, 16, 51.0, 32, 50.5)), 0.05))
                .isEqualTo(16);
        // A short call is not enough: 16 costs more per frame than the tolerance allows.
        assertThat(BatchSizeCalibration.choose(new TreeMap<>(Map.of(1, 10.0, 2, 5.0, 4, 2.6, 8, 2.5, 16, 3.0)), 0.10)).isEqualTo(8);
    }

    @Test
    void candidatesArePowersOfTwoUpToTheMaximum() {
        assertThat(BatchSizeCalibration.candidates(32)).containsExactly(1, 2, 4, 8, 16, 32);
        assertThat(BatchSizeCalibration.candidates(12)).containsExactly(1, 2, 4, 8, 12);
        assertThat(BatchSizeCalibration.candidates(1)).containsExactly(1);
    }

    @Test
    void measuresEverySizeAndPicksByTheMeasuredCosts() throws Exception {
        for (DemoModelKind kind : DemoModelKind.values()) {
            Path model = Files.write(dir.resolve(kind + ".onnx"), DemoModels.build(kind));
            try (InferenceEngine engine = InferenceEngine.open(EngineConfig.defaults(model).withProvider(ExecutionProvider.CPU))) {
                BatchSizeCalibration.Result result = BatchSizeCalibration.calibrate(engine, 16, Duration.ofSeconds(20));
                assertThat(result.microsPerFrame()).as(kind.name()).containsOnlyKeys(1, 2, 4, 8, 16);
                assertThat(result.microsPerFrame().values()).allSatisfy(micros -> assertThat(micros).isPositive());
                assertThat(result.chosen()).isEqualTo(BatchSizeCalibration.choose(result.microsPerFrame(), BatchSizeCalibration.TOLERANCE));
            }
        }
    }

    @Test
    void aFixedBatchModelIsMeasuredFrameByFrameAndADynamicShapeOneKeepsAtMostTheUnmeasuredMaximum() throws Exception {
        try (InferenceEngine engine = InferenceEngine.open(EngineConfig.defaults(TinyModel.fixedBatchMatMulRelu().writeTo(dir, "fixed.onnx"))
                .withProvider(ExecutionProvider.CPU))) {
            BatchSizeCalibration.Result result = BatchSizeCalibration.calibrate(engine, 32, Duration.ofSeconds(5));
            assertThat(result.microsPerFrame()).containsOnlyKeys(1, 2, 4, 8, 16, 32);
            assertThat(result.chosen()).isEqualTo(BatchSizeCalibration.choose(result.microsPerFrame(), BatchSizeCalibration.TOLERANCE));
        }
        TinyModel dynamic = TinyModel.create().input("x", -1, -1).node("Relu", "x", "y").output("y", -1, -1);
        try (InferenceEngine engine = InferenceEngine.open(EngineConfig.defaults(dynamic.writeTo(dir, "dynamic.onnx"))
                .withProvider(ExecutionProvider.CPU))) {
            BatchSizeCalibration.Result large = BatchSizeCalibration.calibrate(engine, 128, Duration.ofSeconds(5));
            assertThat(large.chosen()).isEqualTo(BatchSizeCalibration.UNMEASURED_MAX);
            assertThat(large.microsPerFrame()).isEmpty();
            assertThat(large.reason()).contains("dynamic");
            assertThat(BatchSizeCalibration.calibrate(engine, 8, Duration.ofSeconds(5)).chosen()).isEqualTo(8);
        }
    }

    @Test
    void aModelTooSlowForEvenSizeTwoRunsFrameByFrame() throws Exception {
        try (InferenceEngine engine = InferenceEngine.open(EngineConfig.defaults(TinyModel.gemmRelu().writeTo(dir, "gemm.onnx"))
                .withProvider(ExecutionProvider.CPU))) {
            BatchSizeCalibration.Result slow = BatchSizeCalibration.calibrate(engine, 128, Duration.ofNanos(1));
            assertThat(slow.chosen()).isEqualTo(1);
            assertThat(slow.reason()).contains("too slow");
            assertThat(BatchSizeCalibration.calibrate(engine, 1, Duration.ofSeconds(5)).chosen()).isEqualTo(1);
            assertThat(List.of(1, 2, 4, 8)).contains(BatchSizeCalibration.calibrate(engine, 8, Duration.ofSeconds(5)).chosen());
        }
    }

    @Test
    void aSlowModelIsMeasuredOnTheSizesThatFitTheBudget() {
        // Three rounds (the warm-up and two timed) of every size up to the top, each size running the top's frames.
        long second = 1_000_000_000L;
        // 1 ms a frame in 2 s: 64 takes 64 x 7 sizes x 3 rounds = 1.34 s; 128 would take 3.1 s.
        assertThat(BatchSizeCalibration.largestMeasurable(128, 1_000_000L, 2 * second)).isEqualTo(64);
        assertThat(BatchSizeCalibration.largestMeasurable(128, 100_000L, 2 * second)).isEqualTo(128);
        // 2 takes 2 x 2 x 3 = 12 frames: over 2 s at 170 ms a frame, within it at 160.
        assertThat(BatchSizeCalibration.largestMeasurable(128, 170_000_000L, 2 * second)).isEqualTo(1);
        assertThat(BatchSizeCalibration.largestMeasurable(128, 160_000_000L, 2 * second)).isEqualTo(2);
        // A maximum that is not a power of two is measured itself when it fits.
        assertThat(BatchSizeCalibration.largestMeasurable(48, 100_000L, 2 * second)).isEqualTo(48);
    }
}
