package reluflow.job.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reluflow.avro.DeadLetter;
import reluflow.avro.ErrorKind;
import reluflow.avro.Frame;
import reluflow.avro.FrameDetections;
import reluflow.engine.config.EngineConfig;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.SyntheticFrames;
import reluflow.engine.inference.FrameOutcome;
import reluflow.engine.inference.FrameResult;
import reluflow.engine.inference.InferenceEngine;
import reluflow.engine.sparsity.LayerActivity;
import reluflow.job.JobTestSupport;
import reluflow.job.config.JobConfig;
import reluflow.job.source.FrameDecoder;
import reluflow.job.source.SourceRecord;

class BatchingInferenceOperatorTest {
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;

    private final List<OneInputStreamOperatorTestHarness<SourceRecord, FrameDetections>> harnesses = new ArrayList<>();

    @AfterEach
    void closeHarnesses() throws Exception {
        for (var harness : harnesses) {
            harness.close();
        }
        assertThat(SharedEngines.openEngines()).as("every subtask released its engine").isZero();
    }

    private OneInputStreamOperatorTestHarness<SourceRecord, FrameDetections> harness(JobConfig config, OperatorSubtaskState restore)
            throws Exception {
        var harness = new OneInputStreamOperatorTestHarness<>(new BatchingInferenceOperator(config),
                TypeInformation.of(SourceRecord.class).createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl()));
        harnesses.add(harness);
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        return harness;
    }

    private JobConfig config(int maxSize, long maxWaitMillis, String... more) {
        // Fixed batches: these tests hold the operator to exact sizes (auto-sizing has its own test).
        List<String> overrides = new ArrayList<>(List.of("batch.max-size", Integer.toString(maxSize), "batch.max-wait", maxWaitMillis + " ms",
                "batch.auto-size", "false"));
        overrides.addAll(List.of(more));
        return JobTestSupport.config(JobTestSupport.mlpModel(dir), overrides.toArray(String[]::new));
    }

    private static List<Frame> frames(int count) {
        return SyntheticFrames.generate(DemoModelKind.MLP, count, 5L, 3, 1_000L, 10L);
    }

    private static void send(OneInputStreamOperatorTestHarness<SourceRecord, FrameDetections> harness, List<Frame> frames) throws Exception {
        for (int i = 0; i < frames.size(); i++) {
            Frame frame = frames.get(i);
            harness.processElement(new StreamRecord<>(JobTestSupport.fromKafka(frame, i), frame.getEventTime().toEpochMilli()));
        }
    }

    @Test
    void aBatchGoesWhenItIsFull() throws Exception {
        var harness = harness(config(4, HOUR), null);
        send(harness, frames(3));
        assertThat(harness.extractOutputValues()).isEmpty();
        send(harness, frames(4).subList(3, 4));
        List<FrameDetections> out = harness.extractOutputValues();
        assertThat(out).extracting(FrameDetections::getFrameId).containsExactly(0L, 1L, 2L, 3L);
        assertThat(out).allSatisfy(d -> assertThat(d.getBatchSize()).isEqualTo(4));
    }

    @Test
    void aBatchGoesWhenItsFirstFrameHasWaitedMaxWait() throws Exception {
        var harness = harness(config(100, 50), null);
        harness.setProcessingTime(1_000);
        send(harness, frames(2));
        harness.setProcessingTime(1_049);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.setProcessingTime(1_050);
        assertThat(harness.extractOutputValues()).hasSize(2);
    }

    @Test
    void aTimerSetForAnEarlierBatchDoesNotCutTheNextOneShort() throws Exception {
        var harness = harness(config(2, 50), null);
        harness.setProcessingTime(0);
        send(harness, frames(2));                 // full batch at t=0, its timer (t=50) stays registered
        harness.setProcessingTime(40);
        send(harness, frames(3).subList(2, 3));   // next batch starts at t=40: due at t=90
        harness.setProcessingTime(50);
        assertThat(harness.extractOutputValues()).hasSize(2);
        harness.setProcessingTime(90);
        assertThat(harness.extractOutputValues()).hasSize(3);
    }

    @Test
    void bufferedFramesAreFlushedBeforeTheCheckpointBarrierSoARestoreLosesNothing() throws Exception {
        JobConfig config = config(100, HOUR);
        var first = harness(config, null);
        send(first, frames(5));
        assertThat(first.extractOutputValues()).isEmpty();
        first.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState snapshot = first.snapshot(1, 1);
        assertThat(first.extractOutputValues()).extracting(FrameDetections::getFrameId).containsExactly(0L, 1L, 2L, 3L, 4L);

        // A restarted subtask restores from that checkpoint and has nothing left to emit twice.
        var restored = harness(config, snapshot);
        restored.endInput();
        restored.getOperator().finish();
        assertThat(restored.extractOutputValues()).isEmpty();
    }

    @Test
    void flinkReusingOneStreamRecordForEveryElementChangesNothing() throws Exception {
        var harness = harness(config(4, HOUR), null);
        List<Frame> frames = frames(4);
        StreamRecord<SourceRecord> reused = new StreamRecord<>(null);
        for (int i = 0; i < frames.size(); i++) {
            harness.processElement(reused.replace(JobTestSupport.fromKafka(frames.get(i), i), 1_000L + i));
        }
        assertThat(harness.extractOutputStreamRecords()).extracting(r -> r.getValue().getFrameId() + "@" + r.getTimestamp())
                .containsExactly("0@1000", "1@1001", "2@1002", "3@1003");
    }

    @Test
    void autoSizedBatchesFlushAtTheSizeCalibratedForTheModel() throws Exception {
        JobConfig config = JobTestSupport.config(JobTestSupport.mlpModel(dir), "batch.max-size", "16", "batch.max-wait", HOUR + " ms");
        var harness = harness(config, null);
        int size;
        try (SharedEngines.Lease lease = SharedEngines.acquire(config)) {
            size = lease.batchSize(config);
        }
        assertThat(size).isIn(1, 2, 4, 8, 16);
        List<Frame> frames = frames(size);
        send(harness, frames.subList(0, size - 1));
        assertThat(harness.extractOutputValues()).isEmpty();
        send(harness, frames.subList(size - 1, size));
        assertThat(harness.extractOutputValues()).hasSize(size).allSatisfy(d -> assertThat(d.getBatchSize()).isEqualTo(size));
    }

    @Test
    void endOfInputFlushesWhatIsBuffered() throws Exception {
        var harness = harness(config(100, HOUR), null);
        send(harness, frames(3));
        harness.getOperator().finish();
        assertThat(harness.extractOutputValues()).hasSize(3);
    }

    @Test
    void detectionsAreTheEnginesResultsWithEventTimeKept() throws Exception {
        Path model = JobTestSupport.mlpModel(dir);
        var harness = harness(JobTestSupport.config(model, "batch.max-size", "8", "batch.auto-size", "false"), null);
        List<Frame> frames = frames(8);
        send(harness, frames);
        List<StreamRecord<? extends FrameDetections>> out = harness.extractOutputStreamRecords();
        try (InferenceEngine engine = InferenceEngine.open(EngineConfig.defaults(model).withProvider(reluflow.engine.config.ExecutionProvider.CPU))) {
            List<FrameOutcome> expected = engine.infer(frames);
            for (int i = 0; i < frames.size(); i++) {
                FrameResult result = ((FrameOutcome.Inferred) expected.get(i)).result();
                FrameDetections actual = out.get(i).getValue();
                assertThat(out.get(i).getTimestamp()).isEqualTo(frames.get(i).getEventTime().toEpochMilli());
                assertThat(actual.getDetections()).isEqualTo(result.detections());
                assertThat(actual.getModel()).isEqualTo(engine.identity());
                assertThat(actual.getLayerSparsity()).containsOnlyKeys("fc1_relu", "fc2_relu");
                assertThat(actual.getLayerSparsity().get("fc1_relu")).isEqualTo(result.layers().get(0).zeroFraction());
            }
        }
        // One batch, one 10 s window, all-sensors reports: one sample per layer holding every frame's zero count, in
        // frame order, the union of the fired units, and the batch's latest event time.
        ConcurrentLinkedQueue<StreamRecord<LayerSample>> samples = harness.getSideOutput(BatchingInferenceOperator.LAYER_SAMPLES);
        assertThat(samples).extracting(r -> r.getValue().layer).containsExactly("fc1_relu", "fc2_relu");
        try (InferenceEngine engine = InferenceEngine.open(EngineConfig.defaults(model).withProvider(reluflow.engine.config.ExecutionProvider.CPU))) {
            List<FrameOutcome> expected = engine.infer(frames);
            int layer = 0;
            for (StreamRecord<LayerSample> record : samples) {
                LayerSample sample = record.getValue();
                final int l = layer++;
                List<LayerActivity> activities = expected.stream()
                        .map(o -> ((FrameOutcome.Inferred) o).result().layers().get(l)).toList();
                assertThat(sample.sensorId).isNull();
                assertThat(sample.zeros).containsExactly(activities.stream().mapToLong(LayerActivity::zeros).toArray());
                assertThat(sample.activations).isEqualTo(activities.get(0).activations());
                assertThat(sample.units).isEqualTo(activities.get(0).units());
                long[] union = new long[activities.get(0).firedUnits().length];
                activities.forEach(a -> {
                    for (int w = 0; w < union.length; w++) {
                        union[w] |= a.firedUnits()[w];
                    }
                });
                assertThat(sample.firedUnits).containsExactly(union);
                assertThat(record.getTimestamp()).isEqualTo(frames.get(7).getEventTime().toEpochMilli());
            }
        }
    }

    @Test
    void everyBadRecordBecomesADeadLetterWithItsKindMessageAndOriginalBytes() throws Exception {
        var harness = harness(config(10, HOUR, "engine.max-frame-bytes", "1024"), null);
        List<Frame> good = frames(2);
        Frame wrongShape = Frame.newBuilder(good.get(0)).setFrameId(100).setShape(List.of(8, 8)).build();
        ByteBuffer nan = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        nan.putFloat(12, Float.NaN);
        Frame nonFinite = Frame.newBuilder(good.get(0)).setFrameId(101).setData(nan).build();
        Frame tooLarge = Frame.newBuilder(good.get(0)).setFrameId(102).setShape(List.of(512)).setData(ByteBuffer.allocate(2048)).build();
        byte[] garbage = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

        List<SourceRecord> records = List.of(
                JobTestSupport.fromKafka(good.get(0), 0),
                FrameDecoder.decode("frames", 3, 1, "k".getBytes(), garbage),
                JobTestSupport.fromKafka(wrongShape, 2),
                JobTestSupport.fromKafka(nonFinite, 3),
                JobTestSupport.fromKafka(tooLarge, 4),
                JobTestSupport.fromKafka(good.get(1), 5));
        for (SourceRecord record : records) {
            harness.processElement(new StreamRecord<>(record, 1_000L));
        }
        harness.getOperator().finish();

        assertThat(harness.extractOutputValues()).extracting(FrameDetections::getFrameId).containsExactly(0L, 1L);
        List<DeadLetter> dead = harness.getSideOutput(BatchingInferenceOperator.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
        assertThat(dead).extracting(DeadLetter::getErrorKind).containsExactly(
                ErrorKind.DESERIALIZATION, ErrorKind.SHAPE_MISMATCH, ErrorKind.NON_FINITE, ErrorKind.TOO_LARGE);
        assertThat(dead).extracting(DeadLetter::getOffset).containsExactly(1L, 2L, 3L, 4L);
        assertThat(dead.get(0).getPartition()).isEqualTo(3);
        assertThat(dead.get(0).getValue()).isEqualTo(ByteBuffer.wrap(garbage));
        assertThat(dead.get(0).getKey()).isEqualTo(ByteBuffer.wrap("k".getBytes()));
        assertThat(dead.get(1).getValue()).isEqualTo(ByteBuffer.wrap(JobTestSupport.encode(wrongShape)));
        assertThat(dead.get(1).getErrorMessage()).contains("frame shape [8, 8] does not match model input 'features'");
        assertThat(dead.get(2).getErrorMessage()).isEqualTo("value NaN at element 3 is not finite");
        assertThat(dead.get(3).getErrorMessage()).contains("over the limit of 1024 bytes");
        assertThat(dead).allSatisfy(d -> assertThat(d.getSourceTopic()).isEqualTo("frames"));

        InferenceMetrics metrics = ((BatchingInferenceOperator) harness.getOperator()).metrics();
        assertThat(metrics.framesIn.getCount()).isEqualTo(6);
        assertThat(metrics.detectionsOut.getCount()).isEqualTo(2);
        assertThat(metrics.deadLetters(ErrorKind.DESERIALIZATION)).isEqualTo(1);
        assertThat(metrics.deadLetters(ErrorKind.SHAPE_MISMATCH)).isEqualTo(1);
        assertThat(metrics.deadLetters(ErrorKind.NON_FINITE)).isEqualTo(1);
        assertThat(metrics.deadLetters(ErrorKind.TOO_LARGE)).isEqualTo(1);
        assertThat(metrics.deadLetters(ErrorKind.INFERENCE_ERROR)).isZero();
        assertThat(metrics.batchSize.getCount()).isEqualTo(1);
        assertThat(metrics.batchSize.getStatistics().getMax()).isEqualTo(2);
        assertThat(metrics.inferenceMicros.getCount()).isEqualTo(1);
        assertThat(metrics.latestZeroFraction("fc1_relu"))
                .isEqualTo(harness.extractOutputValues().get(1).getLayerSparsity().get("fc1_relu"));
    }

    @Test
    void watermarksWaitForTheFramesBufferedBeforeThem() throws Exception {
        var harness = harness(config(10, HOUR), null);
        send(harness, frames(2));
        harness.processWatermark(new Watermark(5_000));
        assertThat(harness.getOutput()).isEmpty();
        harness.prepareSnapshotPreBarrier(1);
        List<Object> out = new ArrayList<>(harness.getOutput());
        assertThat(out).hasSize(3);
        assertThat(out.get(0)).isInstanceOf(StreamRecord.class);
        assertThat(out.get(1)).isInstanceOf(StreamRecord.class);
        assertThat(out.get(2)).isEqualTo(new Watermark(5_000));
        harness.processWatermark(new Watermark(6_000));
        assertThat(harness.getOutput()).last().isEqualTo(new Watermark(6_000));
    }

    @Test
    void theDeadUnitsGaugeCountsUnitsSilentOverTheLastThousandFrames() throws Exception {
        var harness = harness(config(100, HOUR), null);
        InferenceMetrics metrics = ((BatchingInferenceOperator) harness.getOperator()).metrics();
        send(harness, frames(InferenceMetrics.DEAD_UNIT_FRAMES - 1));
        harness.getOperator().finish();
        assertThat(metrics.deadUnits("fc1_relu")).isEqualTo(-1);
        send(harness, frames(InferenceMetrics.DEAD_UNIT_FRAMES).subList(InferenceMetrics.DEAD_UNIT_FRAMES - 1, InferenceMetrics.DEAD_UNIT_FRAMES));
        harness.getOperator().finish();
        // The demo MLP's hidden layers have 6 and 4 units that never fire (its weights are made so).
        assertThat(metrics.deadUnits("fc1_relu")).isEqualTo(6);
        assertThat(metrics.deadUnits("fc2_relu")).isEqualTo(4);
    }

    @Test
    void subtasksInOneJvmShareOneEngine() throws Exception {
        JobConfig config = config(10, HOUR);
        harness(config, null);
        harness(config, null);
        assertThat(SharedEngines.openEngines()).isEqualTo(1);
    }

    @Test
    void aFrameWithANullKeyIsServedAndItsDeadLetterKeepsTheNullKey() throws Exception {
        var harness = harness(config(10, HOUR), null);
        Frame good = frames(1).get(0);
        Frame misShaped = Frame.newBuilder(good).setFrameId(7).setShape(List.of(65)).build();
        harness.processElement(new StreamRecord<>(FrameDecoder.decode("frames", 0, 0, null, JobTestSupport.encode(good)), 1_000L));
        harness.processElement(new StreamRecord<>(FrameDecoder.decode("frames", 0, 1, null, JobTestSupport.encode(misShaped)), 1_000L));
        harness.getOperator().finish();

        // The detections sink keys by sensor id (KafkaSinks), so a null input key loses nothing.
        assertThat(harness.extractOutputValues()).extracting(FrameDetections::getSensorId).containsExactly(good.getSensorId());
        List<DeadLetter> dead = harness.getSideOutput(BatchingInferenceOperator.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getErrorKind()).isEqualTo(ErrorKind.SHAPE_MISMATCH);
        assertThat(dead.get(0).getKey()).isNull();
    }

    @Test
    void absurdShapesWrongDataLengthsAndInfinitiesAreDeadLettersWithPreciseMessages() throws Exception {
        var harness = harness(config(10, HOUR), null);
        Frame good = frames(1).get(0);
        // [2147483647, 2] would be 16 GiB of floats: rejected by arithmetic on the shape, nothing allocated for it.
        Frame absurd = Frame.newBuilder(good).setFrameId(1).setShape(List.of(Integer.MAX_VALUE, 2)).build();
        Frame shortData = Frame.newBuilder(good).setFrameId(2).setData(ByteBuffer.allocate(255)).build();
        ByteBuffer plusInf = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        plusInf.putFloat(4 * 5, Float.POSITIVE_INFINITY);
        ByteBuffer minusInf = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
        minusInf.putFloat(4 * 63, Float.NEGATIVE_INFINITY);
        Frame positive = Frame.newBuilder(good).setFrameId(3).setData(plusInf).build();
        Frame negative = Frame.newBuilder(good).setFrameId(4).setData(minusInf).build();
        List<Frame> bad = List.of(absurd, shortData, positive, negative);
        for (int i = 0; i < bad.size(); i++) {
            harness.processElement(new StreamRecord<>(JobTestSupport.fromKafka(bad.get(i), i), 1_000L));
        }
        harness.getOperator().finish();

        assertThat(harness.extractOutputValues()).isEmpty();
        List<DeadLetter> dead = harness.getSideOutput(BatchingInferenceOperator.DEAD_LETTERS).stream().map(StreamRecord::getValue).toList();
        assertThat(dead).extracting(DeadLetter::getErrorKind).containsExactly(
                ErrorKind.TOO_LARGE, ErrorKind.SHAPE_MISMATCH, ErrorKind.NON_FINITE, ErrorKind.NON_FINITE);
        assertThat(dead).extracting(DeadLetter::getErrorMessage).containsExactly(
                "shape [2147483647, 2] has more elements than the limit of " + EngineConfig.DEFAULT_MAX_FRAME_BYTES + " bytes allows",
                "data has 255 bytes but shape [64] of FLOAT32 needs 256",
                "value Infinity at element 5 is not finite",
                "value -Infinity at element 63 is not finite");
        assertThat(dead).extracting(DeadLetter::getOffset).containsExactly(0L, 1L, 2L, 3L);
        InferenceMetrics metrics = ((BatchingInferenceOperator) harness.getOperator()).metrics();
        assertThat(metrics.deadLetters(ErrorKind.NON_FINITE)).isEqualTo(2);
        assertThat(metrics.batchSize.getCount()).as("no batch reached ONNX Runtime").isZero();
    }
}
