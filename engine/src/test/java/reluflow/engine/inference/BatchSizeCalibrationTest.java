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
        // A small dense model: per-frame cost falls until the call's fixed cost is amortised.
        assertThat(BatchSizeCalibration.choose(new TreeMap<>(Map.of(1, 100.0, 2, 60.0, 4, 52.0, 8, 50.0, 16, 51.0, 32, 50.5)), 0.05))
                .isEqualTo(4);
        // A compute-bound model: every size costs the same per frame, so batching buys nothing but waiting.
        assertThat(BatchSizeCalibration.choose(new TreeMap<>(Map.of(1, 350.0, 2, 352.0, 4, 349.0, 8, 351.0, 32, 362.0)), 0.05))
                .isEqualTo(1);
        assertThat(BatchSizeCalibration.choose(new TreeMap<>(Map.of(1, 9.0, 8, 3.0, 32, 1.0)), 0.05)).isEqualTo(32);
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
    void modelsThatCannotBatchOrDoNotFitTheBudgetKeepTheMaximum() throws Exception {
        TinyModel fixed = TinyModel.fixedBatchMatMulRelu();
        try (InferenceEngine engine = InferenceEngine.open(EngineConfig.defaults(fixed.writeTo(dir, "fixed.onnx"))
                .withProvider(ExecutionProvider.CPU))) {
            BatchSizeCalibration.Result result = BatchSizeCalibration.calibrate(engine, 32, Duration.ofSeconds(5));
            assertThat(result.chosen()).isEqualTo(32);
            assertThat(result.microsPerFrame()).isEmpty();
            assertThat(result.reason()).contains("frame by frame");
        }
        try (InferenceEngine engine = InferenceEngine.open(EngineConfig.defaults(TinyModel.gemmRelu().writeTo(dir, "gemm.onnx"))
                .withProvider(ExecutionProvider.CPU))) {
            BatchSizeCalibration.Result slow = BatchSizeCalibration.calibrate(engine, 32, Duration.ofNanos(1));
            assertThat(slow.chosen()).isEqualTo(32);
            assertThat(slow.reason()).contains("too slow");
            assertThat(BatchSizeCalibration.calibrate(engine, 1, Duration.ofSeconds(5)).chosen()).isEqualTo(1);
            assertThat(List.of(1, 2, 4, 8)).contains(BatchSizeCalibration.calibrate(engine, 8, Duration.ofSeconds(5)).chosen());
        }
    }
}
