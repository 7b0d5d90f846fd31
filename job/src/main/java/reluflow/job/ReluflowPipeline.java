package reluflow.job;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import reluflow.avro.FrameDetections;
import reluflow.avro.ModelIdentity;
import reluflow.avro.SparsityReport;
import reluflow.job.config.JobConfig;
import reluflow.job.inference.BatchingInferenceOperator;
import reluflow.job.inference.LayerSample;
import reluflow.job.source.FrameEventTime;
import reluflow.job.source.SourceRecord;
import reluflow.job.sparsity.LayerKey;
import reluflow.job.sparsity.LayerSparsityAggregate;
import reluflow.job.sparsity.SparsityReportFunction;

/**
 * The whole dataflow, top to bottom: frames -> batched inference -> detections; dead letters and
 * layer samples split off; layer samples -> event-time windows -> sparsity reports. Operator uids
 * are fixed so savepoints survive changes to the job.
 */
public final class ReluflowPipeline {
    private ReluflowPipeline() {
    }

    public static void build(StreamExecutionEnvironment env, JobConfig config, ModelIdentity model, PipelineIO io) {
        DataStream<SourceRecord> records = env
                .fromSource(io.frames(), FrameEventTime.watermarks(config.outOfOrderness(), config.idleness()), "frames")
                .uid("frames-source");

        SingleOutputStreamOperator<FrameDetections> detections = records
                .transform("inference", TypeInformation.of(FrameDetections.class), new BatchingInferenceOperator(config))
                .uid("inference");
        detections.sinkTo(io.detections()).name("detections-sink").uid("detections-sink");

        detections.getSideOutput(BatchingInferenceOperator.DEAD_LETTERS)
                .sinkTo(io.deadLetters()).name("dead-letters-sink").uid("dead-letters-sink");

        DataStream<LayerSample> samples = detections.getSideOutput(BatchingInferenceOperator.LAYER_SAMPLES);
        DataStream<SparsityReport> reports = sparsityReports(samples, LayerKey::allSensors, config, model, "sparsity-windows");
        if (config.sparsityPerSensor()) {
            reports = reports.union(sparsityReports(samples, LayerKey::perSensor, config, model, "sparsity-windows-per-sensor"));
        }
        reports.sinkTo(io.sparsity()).name("sparsity-sink").uid("sparsity-sink");
    }

    private static DataStream<SparsityReport> sparsityReports(DataStream<LayerSample> samples, KeySelector<LayerSample, LayerKey> key,
                                                              JobConfig config, ModelIdentity model, String uid) {
        return samples
                .keyBy(key, TypeInformation.of(LayerKey.class))
                .window(TumblingEventTimeWindows.of(config.sparsityWindow()))
                .aggregate(new LayerSparsityAggregate(), new SparsityReportFunction(model))
                .name(uid)
                .uid(uid);
    }
}
