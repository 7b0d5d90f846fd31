package reluflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reluflow.avro.DeadLetter;
import reluflow.avro.ErrorKind;
import reluflow.avro.Frame;
import reluflow.avro.FrameDetections;
import reluflow.avro.SparsityReport;
import reluflow.engine.config.ExecutionProvider;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.SyntheticFrames;
import reluflow.engine.inference.FrameOutcome;
import reluflow.engine.inference.FrameResult;
import reluflow.engine.inference.InferenceEngine;
import reluflow.engine.sparsity.LayerActivity;
import reluflow.engine.sparsity.SparsityAccumulator;
import reluflow.engine.sparsity.SparsitySummary;
import reluflow.job.config.JobConfig;

/** The whole pipeline on a MiniCluster with parallelism 2, fed from a collection and collected. */
class ReluflowPipelineTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long START = 1_700_000_000_000L;
    private static final int FRAMES = 600;

    @TempDir
    Path dir;

    @Test
    void everyFrameIsAccountedForAndWindowReportsEqualPerFrameValues() throws Exception {
        Path model = JobTestSupport.mlpModel(dir);
        // 600 frames, 5 ms apart: three 1-second windows. Every 100th record is corrupt.
        List<Frame> frames = SyntheticFrames.generate(DemoModelKind.MLP, FRAMES, 11L, 4, START, 5L);
        List<byte[]> values = new ArrayList<>();
        List<Frame> valid = new ArrayList<>();
        int corrupt = 0;
        int misShaped = 0;
        for (int i = 0; i < frames.size(); i++) {
            if (i % 100 == 50) {
                values.add(new byte[] {(byte) 0xC3, 0x01, 9, 9, 9});
                corrupt++;
            } else if (i % 100 == 75) {
                values.add(JobTestSupport.encode(Frame.newBuilder(frames.get(i)).setShape(List.of(32, 2)).build()));
                misShaped++;
            } else {
                values.add(JobTestSupport.encode(frames.get(i)));
                valid.add(frames.get(i));
            }
        }
        JobConfig config = JobTestSupport.config(model, "delivery.guarantee", "AT_LEAST_ONCE", "checkpoint.interval", "0 s",
                "sparsity.window", "1 s", "sparsity.per-sensor", "true", "parallelism", "2", "batch.max-size", "16");
        RecordsIO io = new RecordsIO("frames", values);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ReluflowJob.start(env, config, io).getJobExecutionResult().get();

        List<FrameDetections> detections = io.detections.results();
        assertThat(detections).hasSize(valid.size());
        assertThat(detections.stream().map(FrameDetections::getFrameId).distinct().count()).isEqualTo(valid.size());
        List<DeadLetter> dead = io.deadLetters.results();
        assertThat(dead).hasSize(corrupt + misShaped);
        assertThat(dead.stream().filter(d -> d.getErrorKind() == ErrorKind.DESERIALIZATION)).hasSize(corrupt);
        assertThat(dead.stream().filter(d -> d.getErrorKind() == ErrorKind.SHAPE_MISMATCH)).hasSize(misShaped);
        assertThat(detections.size() + dead.size()).isEqualTo(FRAMES);

        // The same frames through the engine directly, aggregated per 1-second window and layer.
        Map<String, SparsityAccumulator> expected = new HashMap<>();
        Map<Long, FrameDetections> byId = detections.stream().collect(Collectors.toMap(FrameDetections::getFrameId, Function.identity()));
        try (InferenceEngine engine = InferenceEngine.open(config.engineConfig().withProvider(ExecutionProvider.CPU))) {
            List<FrameOutcome> outcomes = engine.infer(valid);
            for (FrameOutcome outcome : outcomes) {
                FrameResult result = ((FrameOutcome.Inferred) outcome).result();
                assertThat(byId.get(result.frame().getFrameId()).getDetections()).isEqualTo(result.detections());
                long window = (result.frame().getEventTime().toEpochMilli() / 1000) * 1000;
                for (LayerActivity layer : result.layers()) {
                    expected.computeIfAbsent(layer.layer() + "@" + window, k -> new SparsityAccumulator()).add(layer);
                    expected.computeIfAbsent(layer.layer() + "@" + window + "@" + result.frame().getSensorId(),
                            k -> new SparsityAccumulator()).add(layer);
                }
            }
        }
        List<SparsityReport> reports = io.sparsity.results();
        assertThat(reports).hasSize(expected.size());
        for (SparsityReport report : reports) {
            String key = report.getLayer() + "@" + report.getWindowStart().toEpochMilli()
                    + (report.getSensorId() == null ? "" : "@" + report.getSensorId());
            SparsitySummary want = expected.get(key).summary();
            assertThat(report.getWindowEnd().toEpochMilli() - report.getWindowStart().toEpochMilli()).isEqualTo(1000);
            assertThat(report.getFrames()).as(key).isEqualTo(want.frames());
            assertThat(report.getUnits()).isEqualTo(want.units());
            assertThat(report.getMean()).as(key).isCloseTo(want.mean(), within(1e-9));
            assertThat(report.getMin()).isEqualTo(want.min());
            assertThat(report.getMax()).isEqualTo(want.max());
            assertThat(report.getP95()).isEqualTo(want.p95());
            assertThat(report.getDeadUnits()).isEqualTo(want.deadUnits());
            assertThat(report.getDeadUnitIndices()).isEqualTo(want.deadUnitIndices());
            assertThat(report.getModel().getName()).isEqualTo("mlp");
        }
    }
}
