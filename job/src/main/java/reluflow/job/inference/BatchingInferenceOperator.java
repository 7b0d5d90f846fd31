package reluflow.job.inference;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.util.OutputTag;
import reluflow.avro.DeadLetter;
import reluflow.avro.FrameDetections;
import reluflow.avro.ModelIdentity;
import reluflow.engine.EngineException;
import reluflow.engine.inference.FrameDetectionsMapper;
import reluflow.engine.inference.FrameOutcome;
import reluflow.engine.inference.FrameResult;
import reluflow.engine.sparsity.LayerCounts;
import reluflow.job.config.JobConfig;
import reluflow.job.source.DeadLetters;
import reluflow.job.source.SourceRecord;

/**
 * Micro-batches frames per subtask and runs them through the shared engine: a batch goes when it
 * holds batch.max-size frames or its first frame has waited batch.max-wait, whichever comes first.
 *
 * <p>Nothing is lost and nothing waits in state: the buffer is flushed before every checkpoint
 * barrier (so a snapshot never holds frames) and at end of input. Watermarks are held while frames
 * are buffered and released after them, so a flushed frame is never late for its sparsity window.
 *
 * <p>Main output: one FrameDetections per valid frame. Side outputs: a DeadLetter per frame that
 * could not be decoded, validated or inferred, and LayerSamples: per batch, ReLU layer and sparsity window,
 * the activity of the batch's sampled frames (see {@link LayerSampleCombiner}).
 */
public class BatchingInferenceOperator extends AbstractStreamOperator<FrameDetections>
        implements OneInputStreamOperator<SourceRecord, FrameDetections>, ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));
    public static final OutputTag<LayerSample> LAYER_SAMPLES = new OutputTag<>("layer-samples", TypeInformation.of(LayerSample.class));

    private final JobConfig config;
    private final long maxWaitMillis;

    /** batch.max-size, or the size calibration chose for the model (batch.auto-size). */
    private transient int maxBatch;

    private transient SharedEngines.Lease engine;
    private transient InferenceMetrics metrics;
    /** Values and their timestamps, never the StreamRecords: Flink reuses those between calls. */
    private transient List<SourceRecord> buffer;
    private transient long[] bufferTimestamps;
    private transient boolean[] bufferHasTimestamp;
    private transient long firstBufferedAt;
    private transient boolean timerPending;
    private transient Watermark heldWatermark;
    private transient LayerSampleCombiner samples;

    public BatchingInferenceOperator(JobConfig config) {
        this.config = config;
        this.maxWaitMillis = config.batchMaxWait().toMillis();
    }

    @Override
    public void open() throws Exception {
        super.open();
        try {
            engine = SharedEngines.acquire(config);
        } catch (EngineException e) {
            // A missing, corrupt or re-pinned model stays bad on every restart: retried by the restart
            // strategy it would loop (for ever with the default exponential-delay) and hide the reason.
            // Fail the job at once; the EngineException, with its message, is the cause of the failure.
            throw new SuppressRestartsException(e);
        }
        maxBatch = engine.batchSize(config);
        metrics = new InferenceMetrics(getMetricGroup(), engine.engine().layers(), engine.loadMillis(), maxBatch);
        buffer = new ArrayList<>(maxBatch);
        bufferTimestamps = new long[maxBatch];
        bufferHasTimestamp = new boolean[maxBatch];
        samples = new LayerSampleCombiner(config.sparsityWindow().toMillis(), config.sparsityPerSensor());
    }

    @Override
    public void processElement(StreamRecord<SourceRecord> element) throws Exception {
        metrics.framesIn.inc();
        SourceRecord record = element.getValue();
        if (!record.isFrame()) {
            emitDeadLetter(record.deadLetter, element.hasTimestamp(), element.getTimestamp());
            return;
        }
        bufferTimestamps[buffer.size()] = element.getTimestamp();
        bufferHasTimestamp[buffer.size()] = element.hasTimestamp();
        buffer.add(record);
        if (buffer.size() == 1) {
            firstBufferedAt = getProcessingTimeService().getCurrentProcessingTime();
            scheduleFlush(firstBufferedAt + maxWaitMillis);
        }
        if (buffer.size() >= maxBatch || maxWaitMillis == 0) {
            flush();
        }
    }

    @Override
    public void onProcessingTime(long time) throws Exception {
        timerPending = false;
        if (buffer.isEmpty()) {
            return;
        }
        long deadline = firstBufferedAt + maxWaitMillis;
        if (time >= deadline) {
            flush();
        } else {
            // The batch this timer was set for already went by size; wait for the current one's deadline.
            scheduleFlush(deadline);
        }
    }

    private void scheduleFlush(long time) {
        if (!timerPending && maxWaitMillis > 0) {
            timerPending = true;
            getProcessingTimeService().registerTimer(time, this);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (buffer.isEmpty()) {
            super.processWatermark(mark);
        } else {
            heldWatermark = mark;
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private void flush() throws Exception {
        if (!buffer.isEmpty()) {
            List<reluflow.avro.Frame> frames = new ArrayList<>(buffer.size());
            for (SourceRecord record : buffer) {
                frames.add(record.frame);
            }
            List<FrameOutcome> outcomes = engine.engine().infer(frames);
            Instant now = Instant.now();
            ModelIdentity identity = engine.engine().identity();
            boolean measuredBatch = false;
            for (int i = 0; i < outcomes.size(); i++) {
                FrameOutcome outcome = outcomes.get(i);
                boolean hasTimestamp = bufferHasTimestamp[i];
                long timestamp = bufferTimestamps[i];
                if (outcome instanceof FrameOutcome.Rejected rejected) {
                    emitDeadLetter(DeadLetters.of(buffer.get(i), rejected.rejection().kind(), rejected.rejection().message()),
                            hasTimestamp, timestamp);
                    continue;
                }
                FrameResult result = ((FrameOutcome.Inferred) outcome).result();
                if (!measuredBatch) {
                    metrics.batchSize.update(result.batchSize());
                    metrics.inferenceMicros.update(result.inferenceMicros());
                    measuredBatch = true;
                }
                output.collect(record(FrameDetectionsMapper.toRecord(result, identity, now), hasTimestamp, timestamp));
                metrics.detectionsOut.inc();
                if (result.measured()) {
                    for (LayerCounts layer : result.activity().layers()) {
                        metrics.layerActivity(layer, result.position());
                        samples.add(result.frame().getSensorId(), layer, result.position(), hasTimestamp, timestamp);
                    }
                }
            }
            samples.flush((sample, hasTimestamp, timestamp) -> output.collect(LAYER_SAMPLES, record(sample, hasTimestamp, timestamp)));
            buffer.clear();
        }
        if (heldWatermark != null) {
            Watermark mark = heldWatermark;
            heldWatermark = null;
            super.processWatermark(mark);
        }
    }

    private void emitDeadLetter(DeadLetter deadLetter, boolean hasTimestamp, long timestamp) {
        metrics.deadLetter(deadLetter.getErrorKind());
        output.collect(DEAD_LETTERS, record(deadLetter, hasTimestamp, timestamp));
    }

    private static <T> StreamRecord<T> record(T value, boolean hasTimestamp, long timestamp) {
        return hasTimestamp ? new StreamRecord<>(value, timestamp) : new StreamRecord<>(value);
    }

    InferenceMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() throws Exception {
        try {
            if (engine != null) {
                engine.close();
            }
        } finally {
            super.close();
        }
    }
}
