package reluflow.job;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import reluflow.avro.DeadLetter;
import reluflow.avro.FrameDetections;
import reluflow.avro.SparsityReport;
import reluflow.job.source.FrameDecoder;
import reluflow.job.source.SourceRecord;

/** Kafka-shaped records (value bytes at offsets 0..n-1 of one partition), decoded in the source as the Kafka source does; outputs collected. */
final class RecordsIO implements PipelineIO {
    private final String topic;
    private final List<byte[]> values;
    final CollectingSink<FrameDetections> detections = new CollectingSink<>("detections-" + System.nanoTime());
    final CollectingSink<SparsityReport> sparsity = new CollectingSink<>("sparsity-" + System.nanoTime());
    final CollectingSink<DeadLetter> deadLetters = new CollectingSink<>("dead-" + System.nanoTime());

    RecordsIO(String topic, List<byte[]> values) {
        this.topic = topic;
        this.values = values;
    }

    @Override
    public Source<SourceRecord, ?, ?> frames() {
        List<byte[]> copy = new ArrayList<>(values);
        String name = topic;
        GeneratorFunction<Long, SourceRecord> decode = offset -> {
            SourceRecord record = FrameDecoder.decode(name, 0, offset, null, copy.get(offset.intValue()));
            if (record.isFrame()) {
                record.key = record.frame.getSensorId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            return record;
        };
        return new DataGeneratorSource<>(decode, copy.size(), TypeInformation.of(SourceRecord.class));
    }

    @Override
    public Sink<FrameDetections> detections() {
        return detections;
    }

    @Override
    public Sink<SparsityReport> sparsity() {
        return sparsity;
    }

    @Override
    public Sink<DeadLetter> deadLetters() {
        return deadLetters;
    }
}
