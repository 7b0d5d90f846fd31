package reluflow.job.source;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes inside the Kafka source, so event time (from the frame) is known per partition when
 * watermarks are made. Every record yields exactly one SourceRecord; nothing throws.
 */
public final class FrameRecordDeserializer implements KafkaRecordDeserializationSchema<SourceRecord> {
    private static final long serialVersionUID = 1L;

    private final int maxFrameBytes;

    /** maxFrameBytes: engine.max-frame-bytes; far larger records are turned away before decoding. */
    public FrameRecordDeserializer(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<SourceRecord> out) {
        out.collect(FrameDecoder.decode(record.topic(), record.partition(), record.offset(), record.key(), record.value(), maxFrameBytes));
    }

    @Override
    public TypeInformation<SourceRecord> getProducedType() {
        return TypeInformation.of(SourceRecord.class);
    }
}
