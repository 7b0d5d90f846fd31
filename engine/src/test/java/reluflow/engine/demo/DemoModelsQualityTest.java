package reluflow.engine.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reluflow.avro.Detection;
import reluflow.avro.Frame;
import reluflow.engine.config.EngineConfig;
import reluflow.engine.config.ExecutionProvider;
import reluflow.engine.inference.FrameOutcome;
import reluflow.engine.inference.FrameResult;
import reluflow.engine.inference.InferenceEngine;
import reluflow.engine.sparsity.LayerActivity;
import reluflow.engine.sparsity.SparsityAccumulator;
import reluflow.engine.sparsity.SparsitySummary;

/** The demo models do a real job, measured through the engine exactly as the job runs them. */
class DemoModelsQualityTest {
    /** Never used while the weights were designed. */
    private static final long EVAL_SEED = 424242L;
    private static final int FRAMES = 1000;
    private static final int BATCH = 32;

    @TempDir
    Path dir;

    @Test
    void mlpClassifiesAtLeast95PercentRightAndReportsItsDeadUnits() throws Exception {
        Run run = run(DemoModelKind.MLP);
        DemoQuality.Quality accuracy = DemoQuality.classifierAccuracy(run.frames, run.predictions);
        System.out.printf("MLP top-1 accuracy %.4f (%d/%d)%n", accuracy.fraction(), accuracy.correct(), accuracy.total());
        assertThat(accuracy.total()).isEqualTo(FRAMES);
        assertThat(accuracy.fraction()).isGreaterThanOrEqualTo(0.95);
        assertThat(run.sparsity.keySet()).containsExactlyElementsOf(DemoModels.reluOutputs(DemoModelKind.MLP));
        run.sparsity.values().forEach(s -> {
            assertThat(s.frames()).isEqualTo(FRAMES);
            assertThat(s.deadUnits()).isPositive().isLessThan(s.units());
            assertThat(s.mean()).isBetween(0.05, 0.95);
        });
    }

    @Test
    void cnnBoxesAtLeast90PercentOfObjectsWithIouHalf() throws Exception {
        Run run = run(DemoModelKind.CNN);
        DemoQuality.Quality recall = DemoQuality.boxRecall(run.frames, run.predictions, 0.5);
        System.out.printf("CNN objects found at IoU>=0.5: %.4f (%d/%d), precision %.4f%n",
                recall.fraction(), recall.correct(), recall.total(), recall.precision());
        assertThat(recall.total()).isGreaterThan(FRAMES);
        assertThat(recall.fraction()).isGreaterThanOrEqualTo(0.90);
        assertThat(recall.precision()).isGreaterThanOrEqualTo(0.90);
        assertThat(run.sparsity.keySet()).containsExactlyElementsOf(DemoModels.reluOutputs(DemoModelKind.CNN));
        run.sparsity.values().forEach(s -> assertThat(s.deadUnits()).isPositive().isLessThan(s.units()));
    }

    private record Run(List<Frame> frames, List<List<Detection>> predictions, Map<String, SparsitySummary> sparsity) {
    }

    private Run run(DemoModelKind kind) throws Exception {
        Path model = dir.resolve(kind.name().toLowerCase() + ".onnx");
        DemoModels.write(kind, model);
        List<Frame> frames = SyntheticFrames.generate(kind, FRAMES, EVAL_SEED, 4, 0L, 100L);
        List<List<Detection>> predictions = new ArrayList<>();
        Map<String, SparsityAccumulator> layers = new java.util.LinkedHashMap<>();
        try (InferenceEngine engine = InferenceEngine.open(EngineConfig.defaults(model).withProvider(ExecutionProvider.CPU))) {
            for (int start = 0; start < FRAMES; start += BATCH) {
                for (FrameOutcome outcome : engine.infer(frames.subList(start, Math.min(FRAMES, start + BATCH)))) {
                    assertThat(outcome).isInstanceOf(FrameOutcome.Inferred.class);
                    FrameResult result = ((FrameOutcome.Inferred) outcome).result();
                    predictions.add(result.detections());
                    for (LayerActivity layer : result.layers()) {
                        layers.computeIfAbsent(layer.layer(), SparsityAccumulator::new).add(layer);
                    }
                }
            }
        }
        Map<String, SparsitySummary> summaries = new java.util.LinkedHashMap<>();
        layers.forEach((name, acc) -> summaries.put(name, acc.summary()));
        return new Run(frames, predictions, summaries);
    }
}
