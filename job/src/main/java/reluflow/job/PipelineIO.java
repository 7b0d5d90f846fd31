package reluflow.job;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import reluflow.avro.DeadLetter;
import reluflow.avro.FrameDetections;
import reluflow.avro.SparsityReport;
import reluflow.job.source.SourceRecord;

/** Where the pipeline reads and writes: Kafka in production, collections in tests. */
public interface PipelineIO {
    Source<SourceRecord, ?, ?> frames();

    Sink<FrameDetections> detections();

    Sink<SparsityReport> sparsity();

    Sink<DeadLetter> deadLetters();
}
