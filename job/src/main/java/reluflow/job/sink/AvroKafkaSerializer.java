package reluflow.job.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a record as Avro single-object encoding (marker, writer-schema fingerprint, body: what the
 * generated toByteBuffer does), so any client in any language can tell which schema wrote it.
 */
public final class AvroKafkaSerializer<T extends SpecificRecordBase> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final SerializableFunction<T, byte[]> key;
    private transient SingleObjectEncoder<T> encoder;

    public AvroKafkaSerializer(String topic, SerializableFunction<T, byte[]> key) {
        this.topic = topic;
        this.key = key;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
        if (encoder == null) {
            encoder = new SingleObjectEncoder<>(record.getSchema(), SpecificData.getForClass(record.getClass()));
        }
        try {
            byte[] value = encoder.encode(record);
            Long time = timestamp == null || timestamp < 0 ? null : timestamp;
            return new ProducerRecord<>(topic, null, time, key.apply(record), value);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode a " + record.getSchema().getName() + " record", e);
        }
    }
}
