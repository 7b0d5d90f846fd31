package reluflow.job;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import reluflow.avro.DeadLetter;
import reluflow.avro.FrameDetections;
import reluflow.avro.SparsityReport;
import reluflow.job.config.JobConfig;
import reluflow.job.sink.KafkaSinks;
import reluflow.job.source.KafkaFrameSource;
import reluflow.job.source.SourceRecord;

/** The production wiring: frames from Kafka, the three outputs to Kafka. */
public final class KafkaPipelineIO implements PipelineIO {
    private final JobConfig config;

    public KafkaPipelineIO(JobConfig config) {
        config.requireKafka();
        this.config = config;
    }

    @Override
    public Source<SourceRecord, ?, ?> frames() {
        return KafkaFrameSource.create(config);
    }

    @Override
    public Sink<FrameDetections> detections() {
        return KafkaSinks.detections(config);
    }

    @Override
    public Sink<SparsityReport> sparsity() {
        return KafkaSinks.sparsity(config);
    }

    @Override
    public Sink<DeadLetter> deadLetters() {
        return KafkaSinks.deadLetters(config);
    }
}
